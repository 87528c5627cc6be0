'use client';

import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import { readProblem, type Problem } from './api-reply';
import { REPORT_URL, uploadBody } from './upload-body';

// With JavaScript, the report as a PDF: the files the browser still holds (or the example's name) are posted again to
// the API, and its answer is saved through an object URL on a link with a download name.

const FALLBACK_NAME = 'tumour-report.pdf';

interface ReportRequest {
  pending: boolean;
  /** What went wrong, for a person; `overrulable` when the guard flagged a volume that may be analysed anyway. */
  error: Problem | null;
}

function fileName(response: Response): string {
  const match = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '');
  return match?.[1] ?? FALLBACK_NAME;
}

function save(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // the download has taken the bytes by then; the URL would otherwise hold them until the page closes
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The report request's state, and `fetchReport` to post a form's upload for it. */
export function useReportDownload() {
  const [request, setRequest] = useState<ReportRequest>({ pending: false, error: null });
  async function fetchReport(submission: FormData, force = false) {
    setRequest({ pending: true, error: null });
    try {
      const response = await fetch(REPORT_URL, { method: 'POST', body: uploadBody(submission, force) });
      if (!response.ok) return setRequest({ pending: false, error: readProblem(response.status, await response.text(), 'The report could not be made') });
      save(await response.blob(), fileName(response));
      setRequest({ pending: false, error: null });
    } catch {
      setRequest({ pending: false, error: { message: 'The report could not be fetched: the server did not answer. Try again.', overrulable: false } });
    }
  }
  return [request, fetchReport] as const;
}

/** The result's "Download the report (PDF)" button, put into the result's slot (a result the server renders cannot hold it). */
export function ReportButton({ pending, error, onDownload }: { pending: boolean; error: string | null; onDownload: () => void }) {
  const [slot, setSlot] = useState<Element | null>(null);
  useEffect(() => setSlot(document.querySelector('[data-report-download-slot]')), []);
  if (!slot) return null;
  return createPortal(
    <div className="max-w-xs space-y-1">
      <button type="button" onClick={onDownload} disabled={pending} aria-disabled={pending} data-testid="report-download"
        className="inline-flex items-center gap-2 rounded-md bg-teal-700 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-teal-800 disabled:cursor-wait disabled:bg-teal-500">
        {pending && <span aria-hidden className="h-4 w-4 animate-spin rounded-full border-2 border-white/40 border-t-white" />}
        {pending ? 'Preparing the report…' : 'Download the report (PDF)'}
      </button>
      <p aria-live="polite" role="status" className="text-xs text-red-800" data-testid="report-error">{error}</p>
    </div>,
    slot,
  );
}
