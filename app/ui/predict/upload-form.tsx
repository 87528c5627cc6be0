'use client';

import { useActionState, useState } from 'react';
import { analyzeSliceAction, type AnalyzeState } from '@/app/predict/actions';
import SubmitButton from './submit-button';

const ACCEPT = 'image/png,image/jpeg,image/tiff,image/webp,.png,.jpg,.jpeg,.tif,.tiff,.webp';

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

export default function UploadForm({ maxBytes }: { maxBytes: number }) {
  const [state, formAction] = useActionState<AnalyzeState, FormData>(analyzeSliceAction, { status: 'idle' });
  const [clientError, setClientError] = useState<string | null>(null);

  // Catch an oversized upload before it reaches the server's body limit, which would only give a broken page.
  function checkSize(event: React.FormEvent<HTMLFormElement>) {
    const files = ['flair', 't1', 't1c'].flatMap((name) => Array.from((event.currentTarget.elements.namedItem(name) as HTMLInputElement | null)?.files ?? []));
    const total = files.reduce((sum, file) => sum + file.size, 0);
    if (total > maxBytes) {
      event.preventDefault();
      setClientError(`The upload is ${(total / 1024 / 1024).toFixed(1)} MB; the limit is ${Math.round(maxBytes / 1024 / 1024)} MB.`);
    } else {
      setClientError(null);
    }
  }

  const message = clientError ?? (state.status === 'error' ? state.message : null);
  return (
    <div className="space-y-8">
      <form action={formAction} onSubmit={checkSize} className="space-y-5 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <FileField name="flair" label="FLAIR slice (required)" hint="PNG, JPEG, TIFF or WebP; grey or colour; any size up to 10 MB." required />
        <details className="rounded-md border border-slate-200 p-3">
          <summary className="cursor-pointer text-sm font-medium text-slate-800">Add T1 and T1c images of the same slice (optional)</summary>
          <div className="mt-3 grid gap-4 sm:grid-cols-2">
            <FileField name="t1" label="T1 (pre-contrast)" hint="Same size as the FLAIR image." />
            <FileField name="t1c" label="T1c (post-contrast)" hint="Same size as the FLAIR image." />
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
        <SubmitButton idle="Analyse slice" pending="Analysing…" />
        <div aria-live="polite" role="status">
          {message && <p className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="upload-error">{message}</p>}
        </div>
      </form>
      {state.status === 'done' && state.result}
    </div>
  );
}
