'use client';

import { useEffect, useState } from 'react';
import { useFormStatus } from 'react-dom';

/** A volume takes seconds: count them while the server works, so the page never looks frozen. */
export default function VolumeSubmitButton() {
  const { pending } = useFormStatus();
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const [now, setNow] = useState(0);

  useEffect(() => {
    if (!pending) return setStartedAt(null);
    const started = Date.now();
    setStartedAt(started);
    setNow(started);
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [pending]);

  const seconds = startedAt === null ? 0 : Math.floor((now - startedAt) / 1000);
  return (
    <div className="space-y-2">
      <button
        type="submit"
        disabled={pending}
        aria-disabled={pending}
        className="inline-flex items-center gap-2 rounded-md bg-teal-700 px-5 py-2.5 text-sm font-medium text-white shadow-sm hover:bg-teal-800 disabled:cursor-wait disabled:bg-teal-500"
      >
        {pending && <span aria-hidden className="h-4 w-4 animate-spin rounded-full border-2 border-white/40 border-t-white" />}
        {pending ? 'Analysing…' : 'Analyse volume'}
        {pending && <span className="tabular-nums" data-testid="elapsed">{seconds} s</span>}
      </button>
      <p role="status" aria-live="polite" className="text-sm text-slate-600">
        {pending && 'Uploading and reading the volume, then running the model on every slice with brain in it. A 240×240×155 volume takes a few seconds.'}
      </p>
    </div>
  );
}
