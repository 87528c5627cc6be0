'use client';

import { useFormStatus } from 'react-dom';

/**
 * A form's submit button with its pending state: while the form's action runs, or while `busy` (a form whose script
 * sends it itself, with its own progress: app/ui/volume/upload-form.tsx).
 */
export default function SubmitButton({ idle, pending, busy = false }: { idle: string; pending: string; busy?: boolean }) {
  const isPending = useFormStatus().pending || busy;
  return (
    <button
      type="submit"
      disabled={isPending}
      aria-disabled={isPending}
      className="inline-flex items-center gap-2 rounded-md bg-teal-700 px-5 py-2.5 text-sm font-medium text-white shadow-sm hover:bg-teal-800 disabled:cursor-wait disabled:bg-teal-500"
    >
      {isPending && <span aria-hidden className="h-4 w-4 animate-spin rounded-full border-2 border-white/40 border-t-white" />}
      {isPending ? pending : idle}
    </button>
  );
}
