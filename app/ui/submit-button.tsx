'use client';

import { useEffect, useState } from 'react';
import { useFormStatus } from 'react-dom';

/** Seconds since the form was sent, while it is pending: long work should never look frozen. */
function useElapsedSeconds(pending: boolean): number {
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
  return startedAt === null ? 0 : Math.floor((now - startedAt) / 1000);
}

function Button({ idle, pending, isPending, seconds }: { idle: string; pending: string; isPending: boolean; seconds?: number }) {
  return (
    <button
      type="submit"
      disabled={isPending}
      aria-disabled={isPending}
      className="inline-flex items-center gap-2 rounded-md bg-teal-700 px-5 py-2.5 text-sm font-medium text-white shadow-sm hover:bg-teal-800 disabled:cursor-wait disabled:bg-teal-500"
    >
      {isPending && <span aria-hidden className="h-4 w-4 animate-spin rounded-full border-2 border-white/40 border-t-white" />}
      {isPending ? pending : idle}
      {isPending && seconds !== undefined && <span className="tabular-nums" data-testid="elapsed">{seconds} s</span>}
    </button>
  );
}

/** A form's submit button with its pending state; `hint` (long work) adds the seconds elapsed and a line of what is happening. */
export default function SubmitButton({ idle, pending, hint }: { idle: string; pending: string; hint?: string }) {
  const { pending: isPending } = useFormStatus();
  const seconds = useElapsedSeconds(isPending && hint !== undefined);
  if (hint === undefined) return <Button idle={idle} pending={pending} isPending={isPending} />;
  return (
    <div className="space-y-2">
      <Button idle={idle} pending={pending} isPending={isPending} seconds={seconds} />
      <p role="status" aria-live="polite" className="text-sm text-slate-600">
        {isPending && hint}
      </p>
    </div>
  );
}
