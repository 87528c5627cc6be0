'use client';

import { useActionState, useState } from 'react';
import { analyzeVolumeAction, type VolumeState } from '@/app/volume/actions';
import SliceRange from './slice-range';
import VolumeSubmitButton from './submit-button';

const ACCEPT = '.nii,.nii.gz,.gz,application/gzip';

function FileField({ name, label, hint, required }: { name: string; label: string; hint: string; required?: boolean }) {
  return (
    <label className="block">
      <span className="text-sm font-medium text-slate-800">{label}</span>
      <input
        type="file"
        name={name}
        accept={ACCEPT}
        required={required}
        className="mt-1 block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:text-sm file:font-medium hover:file:bg-slate-200"
      />
      <span className="mt-1 block text-xs text-slate-500">{hint}</span>
    </label>
  );
}

export default function VolumeUploadForm({ maxBytes }: { maxBytes: number }) {
  const [state, formAction] = useActionState<VolumeState, FormData>(analyzeVolumeAction, { status: 'idle' });
  const [clientError, setClientError] = useState<string | null>(null);

  // Catch an oversized upload before it reaches the server's body limit, which would only give a broken page.
  function checkSize(event: React.FormEvent<HTMLFormElement>) {
    const files = ['flair', 't1c'].flatMap((name) => Array.from((event.currentTarget.elements.namedItem(name) as HTMLInputElement | null)?.files ?? []));
    const total = files.reduce((sum, file) => sum + file.size, 0);
    if (total > maxBytes) {
      event.preventDefault();
      setClientError(`The upload is ${(total / 1024 / 1024).toFixed(1)} MB; the limit is ${Math.round(maxBytes / 1024 / 1024)} MB.`);
    } else {
      setClientError(null);
    }
  }

  const message = clientError ?? (state.status === 'error' ? state.message : null);
  const limit = `${Math.round(maxBytes / 1024 / 1024)} MB`;
  return (
    <div className="space-y-8">
      <form action={formAction} onSubmit={checkSize} className="space-y-5 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <div className="grid gap-5 sm:grid-cols-2">
          <FileField name="flair" label="FLAIR volume (required)" hint={`NIfTI-1, .nii or .nii.gz, one 3D volume; up to ${limit} in all.`} required />
          <FileField name="t1c" label="T1c volume (optional)" hint="Post-contrast T1 on the same grid as the FLAIR: same size and position." />
        </div>
        <VolumeSubmitButton />
        <div aria-live="polite" role="status">
          {message && <p className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="upload-error">{message}</p>}
        </div>
      </form>
      {state.status === 'done' && state.result}
      {state.status === 'done' && <SliceRange key={state.frames.indices.join()} indices={state.frames.indices} start={state.frames.start} />}
    </div>
  );
}
