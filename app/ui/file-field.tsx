'use client';

import { useEffect, useState } from 'react';

// A file input that, with JavaScript, says which files are chosen (name and size) and can be cleared; without, the
// browser's own input. Files dropped on or pasted into the page are put into it (page-drop.tsx).

const size = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

function summary(files: File[]): string {
  const total = size(files.reduce((sum, file) => sum + file.size, 0));
  return files.length === 1 ? `${files[0].name}, ${total}` : `${files.length} files, ${total}`;
}

export default function FileField({ name, label, hint, accept, required, multiple }: { name: string; label: string; hint: string; accept: string; required?: boolean; multiple?: boolean }) {
  const [chosen, setChosen] = useState<File[]>([]);
  const inputId = `file-${name}`;
  // React resets the form after its action: the summary goes with the files
  useEffect(() => {
    const form = (document.getElementById(inputId) as HTMLInputElement | null)?.form;
    const forget = () => setChosen([]);
    form?.addEventListener('reset', forget);
    return () => form?.removeEventListener('reset', forget);
  }, [inputId]);
  function clear() {
    const input = document.getElementById(inputId) as HTMLInputElement | null;
    if (input) input.value = '';
    setChosen([]);
    input?.focus();
  }
  return (
    <div>
      <label htmlFor={inputId} className="block text-sm font-medium text-slate-800">{label}</label>
      <input
        id={inputId}
        type="file"
        name={name}
        accept={accept}
        required={required}
        multiple={multiple}
        onChange={(event) => setChosen(Array.from(event.target.files ?? []))}
        className="mt-1 block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:text-sm file:font-medium hover:file:bg-slate-200"
      />
      {chosen.length > 0 && (
        <p className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-700" data-testid={`chosen-${name}`}>
          <span className="break-all">Chosen: {summary(chosen)}</span>
          <button type="button" onClick={clear} className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-50">Clear</button>
        </p>
      )}
      <span className="mt-1 block text-xs text-slate-500">{hint}</span>
    </div>
  );
}
