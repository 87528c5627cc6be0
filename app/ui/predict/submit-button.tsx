'use client';

import { useFormStatus } from 'react-dom';

export default function SubmitButton({ idle, pending }: { idle: string; pending: string }) {
  const { pending: isPending } = useFormStatus();
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
