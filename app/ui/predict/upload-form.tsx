'use client';

import { startTransition, useActionState, useRef } from 'react';
import FileField from '@/app/ui/file-field';
import { useSizeCheck } from '@/app/ui/use-size-check';
import { analyseSliceAction, type AnalyseState } from '@/app/predict/actions';
import AnalyseAnyway from './analyse-anyway';
import SubmitButton from '@/app/ui/submit-button';
import PageDrop from '@/app/ui/page-drop';

const ACCEPT = 'image/png,image/jpeg,image/tiff,image/webp,.png,.jpg,.jpeg,.tif,.tiff,.webp,.dcm,.dicom,application/dicom';

/** `initial`: an example's answer, when the page was asked for one (?example=). */
export default function UploadForm({ maxBytes, initial = { status: 'idle' } }: { maxBytes: number; initial?: AnalyseState }) {
  const [state, formAction] = useActionState<AnalyseState, FormData>(analyseSliceAction, initial);
  const [clientError, checkSize] = useSizeCheck(['flair', 't1', 't1c'], maxBytes);
  // the last submission, so that "Analyse anyway" can send the same files again (React clears the form after an action)
  const lastSubmission = useRef<FormData | null>(null);

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    checkSize(event);
    if (!event.defaultPrevented) lastSubmission.current = new FormData(event.currentTarget);
  }

  function analyseAnyway() {
    const again = lastSubmission.current;
    if (!again) return;
    again.set('force', 'true');
    startTransition(() => formAction(again));
  }

  const flagged = !clientError && state.status === 'error' && state.overrulable ? state.message : null;
  const message = clientError ?? (state.status === 'error' && !flagged ? state.message : null);
  return (
    <div className="space-y-8">
      <form action={formAction} onSubmit={onSubmit} className="space-y-5 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <FileField name="flair" label="FLAIR slice (required)" hint="PNG, JPEG, TIFF or WebP, grey or colour, or one DICOM image (.dcm); up to 10 MB." required accept={ACCEPT} />
        <details className="rounded-md border border-slate-200 p-3">
          <summary className="cursor-pointer text-sm font-medium text-slate-800">Add T1 and T1c images of the same slice (optional)</summary>
          <div className="mt-3 grid gap-4 sm:grid-cols-2">
            <FileField name="t1" label="T1 (pre-contrast)" hint="Same size as the FLAIR image." accept={ACCEPT} />
            <FileField name="t1c" label="T1c (post-contrast)" hint="Same size as the FLAIR image." accept={ACCEPT} />
          </div>
        </details>
        <fieldset>
          <legend className="text-sm font-medium text-slate-800">If the FLAIR image is in colour, read it as</legend>
          <div className="mt-2 flex flex-col gap-1 text-sm text-slate-700 sm:flex-row sm:gap-6">
            <label><input type="radio" name="reading" value="auto" defaultChecked className="mr-2" />Automatic</label>
            <label><input type="radio" name="reading" value="layered" className="mr-2" />R = T1, G = FLAIR, B = T1c</label>
            <label><input type="radio" name="reading" value="grayscale" className="mr-2" />One grey FLAIR image</label>
          </div>
        </fieldset>
        <div className="flex flex-wrap items-center gap-3">
          <SubmitButton idle="Analyse slice" pending="Analysing…" />
          <PageDrop field="flair" what="a slice" paste />
        </div>
        <div aria-live="polite" role="status">
          {message && <p className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="upload-error">{message}</p>}
          {flagged && <AnalyseAnyway message={flagged} onAnalyseAnyway={lastSubmission.current ? analyseAnyway : null} />}
        </div>
      </form>
      {state.status === 'done' && state.result}
    </div>
  );
}
