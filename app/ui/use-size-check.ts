'use client';

import { useState } from 'react';

/**
 * Stops an oversized upload in the page before it reaches the server's body limit, which would only give a broken page.
 * Returns the message to show and the form's onSubmit handler.
 */
export function useSizeCheck(fields: readonly string[], maxBytes: number) {
  const [message, setMessage] = useState<string | null>(null);
  function checkSize(event: React.FormEvent<HTMLFormElement>) {
    const files = fields.flatMap((name) => Array.from((event.currentTarget.elements.namedItem(name) as HTMLInputElement | null)?.files ?? []));
    const total = files.reduce((sum, file) => sum + file.size, 0);
    if (total > maxBytes) {
      event.preventDefault();
      setMessage(`The upload is ${(total / 1024 / 1024).toFixed(1)} MB; the limit is ${Math.round(maxBytes / 1024 / 1024)} MB.`);
    } else {
      setMessage(null);
    }
  }
  return [message, checkSize] as const;
}
