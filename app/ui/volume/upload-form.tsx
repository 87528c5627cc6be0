'use client';

import { useActionState } from 'react';
import FileField from '@/app/ui/file-field';
import { useSizeCheck } from '@/app/ui/use-size-check';
import { analyseVolumeAction, type VolumeState } from '@/app/volume/actions';
import SliceRange from './slice-range';
import SubmitButton from '@/app/ui/submit-button';

const ACCEPT = '.nii,.nii.gz,.gz,application/gzip';
// no filter for the FLAIR field: scanners write DICOM files without an extension, which a filter would hide
const ANY_FILE = '';

export default function VolumeUploadForm({ maxBytes }: { maxBytes: number }) {
  const [state, formAction] = useActionState<VolumeState, FormData>(analyseVolumeAction, { status: 'idle' });
  const [clientError, checkSize] = useSizeCheck(['flair', 't1c'], maxBytes);

  const message = clientError ?? (state.status === 'error' ? state.message : null);
  const limit = `${Math.round(maxBytes / 1024 / 1024)} MB`;
  return (
    <div className="space-y-8">
      <form action={formAction} onSubmit={checkSize} className="space-y-5 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <div className="grid gap-5 sm:grid-cols-2">
          <FileField name="flair" label="FLAIR volume (required)" multiple required accept={ANY_FILE}
            hint={`NIfTI-1 (.nii or .nii.gz), or a DICOM series: choose all its files at once, or one .zip of them; up to ${limit} in all.`} />
          <FileField name="t1c" label="T1c volume (optional)" hint="Post-contrast T1 on the same grid as the FLAIR: same size and position." accept={ACCEPT} />
        </div>
        <SubmitButton idle="Analyse volume" pending="Analysing…" hint="Uploading and reading the volume, then running the model on every slice with brain in it. A 240×240×155 volume takes a few seconds." />
        <div aria-live="polite" role="status">
          {message && <p className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="upload-error">{message}</p>}
        </div>
      </form>
      {state.status === 'done' && state.result}
      {state.status === 'done' && <SliceRange key={state.frames.indices.join()} indices={state.frames.indices} start={state.frames.start} />}
    </div>
  );
}
