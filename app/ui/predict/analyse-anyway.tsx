'use client';

import { useEffect, useState } from 'react';

const SLICE_CONFIRMATION = 'Analyse anyway: I have checked that this is a brain MRI slice. Choose the file again and press “Analyse slice”; uploads are not kept.';

/**
 * Shown when the guard flags a picture or a volume. Without JavaScript the upload is not kept, so the ticked box goes
 * with the form and the person chooses the file again; with JavaScript the button sends the same files again with
 * force=true. `confirmation`: the ticked box's words, for what was flagged.
 */
export default function AnalyseAnyway({ message, onAnalyseAnyway, confirmation = SLICE_CONFIRMATION }: { message: string; onAnalyseAnyway: (() => void) | null; confirmation?: string }) {
  const [scripted, setScripted] = useState(false);
  useEffect(() => setScripted(true), []);
  return (
    <div className="space-y-3 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900" data-testid="guard-flag">
      <p data-testid="upload-error">{message}</p>
      {scripted && onAnalyseAnyway && (
        <button type="button" onClick={onAnalyseAnyway}
          className="rounded-md border border-amber-400 bg-white px-4 py-2 font-medium text-amber-900 hover:bg-amber-100">
          Analyse anyway
        </button>
      )}
      {/* with JavaScript the button does it; a ticked box left in the form would also wave the next, other file through */}
      {!(scripted && onAnalyseAnyway) && (
        <label className="flex items-start gap-2">
          <input type="checkbox" name="force" value="true" defaultChecked className="mt-0.5" />
          <span>{confirmation}</span>
        </label>
      )}
    </div>
  );
}
