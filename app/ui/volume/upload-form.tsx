'use client';

import { Fragment, useActionState, useMemo, useRef, useState } from 'react';
import FileField from '@/app/ui/file-field';
import { useSizeCheck } from '@/app/ui/use-size-check';
import AnalyseAnyway from '@/app/ui/predict/analyse-anyway';
import { analyseVolumeAction } from '@/app/volume/actions';
import { ReportButton, useReportDownload } from './report-download';
import SliceRange from './slice-range';
import SubmitButton from '@/app/ui/submit-button';
import PageDrop from '@/app/ui/page-drop';
import ViewerPortal from '@/app/ui/viewer/viewer-portal';
import { exampleSubmission, REPORT_URL } from './upload-body';
import { useVolumeRequest } from './use-volume-request';
import VolumeProgressPanel from './volume-progress';
import type { VolumeState } from './volume-state';

const ACCEPT = '.nii,.nii.gz,.gz,application/gzip';
// no filter for the FLAIR field: scanners write DICOM files without an extension, which a filter would hide
const ANY_FILE = '';
const CONFIRMATION = 'Analyse anyway: I have checked that this is a brain MRI volume. Choose the files again and press “Analyse volume” or “Analyse and download the report (PDF)”; uploads are not kept.';

// each answer gets fresh result markup, and the pieces put into its slots look for them again
let answers = 0;

/**
 * Without JavaScript the form posts to its server action. With it, the form is sent by script (use-volume-request.ts)
 * for the upload's progress, and the answer is shown by the same components. `initial`: an example's answer, when the
 * page was asked for one (?example=), and `example` its name, for the report's download.
 */
export default function VolumeUploadForm({ maxBytes, initial = { status: 'idle' }, example }: { maxBytes: number; initial?: VolumeState; example?: string }) {
  const [actionState, formAction] = useActionState<VolumeState, FormData>(analyseVolumeAction, initial);
  const form = useRef<HTMLFormElement>(null);
  // the inputs are cleared once an answer is in, as React clears them after a server action
  const request = useVolumeRequest(() => form.current?.reset());
  const state = request.answer?.state ?? actionState;
  // what the shown answer was made from: the files sent, or the example's name
  const sent = useMemo(() => request.answer?.sent ?? (example ? exampleSubmission(example) : null), [request.answer, example]);
  const answer = useMemo(() => ++answers, [state]);
  const [clientError, checkSize] = useSizeCheck(['flair', 't1c', 'baseline'], maxBytes);
  const [report, fetchReport] = useReportDownload();
  // the last submission, so that "Analyse anyway" and the form's report button can send the same files again
  const lastSubmission = useRef<FormData | null>(null);
  // which answer the messages are about: the page's analysis, or the report asked for with the form's or the result's button
  const [lastAsked, setLastAsked] = useState<'analysis' | 'form-report' | 'result-report'>('analysis');
  // the viewer's scan: the NIfTI file sent for this result (a DICOM series' or an example's result carries a display copy instead)
  const scan = useMemo(() => {
    const flair = state.status === 'done' ? sent?.getAll('flair') : undefined;
    return flair?.length === 1 && flair[0] instanceof File ? flair[0] : null;
  }, [state, sent]);

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    checkSize(event);
    if (event.defaultPrevented) return;
    lastSubmission.current = new FormData(event.currentTarget);
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    const wantsReport = submitter?.getAttribute('formaction') === REPORT_URL;
    setLastAsked(wantsReport ? 'form-report' : 'analysis');
    // with JavaScript both go by script, so that their waits and errors show here; without, the browser posts the form
    event.preventDefault();
    if (wantsReport) void fetchReport(lastSubmission.current);
    else request.send(lastSubmission.current);
  }

  function analyseAnyway() {
    if (lastSubmission.current) request.send(lastSubmission.current, true);
  }

  function reportAnyway() {
    if (lastSubmission.current) void fetchReport(lastSubmission.current, true);
  }

  function downloadReport() {
    setLastAsked('result-report');
    if (sent) void fetchReport(sent);
  }

  const busy = request.progress !== null;
  const failure = lastAsked === 'form-report' ? report.error : state.status === 'error' ? { message: state.message, overrulable: state.overrulable === true } : null;
  const flagged = !clientError && failure?.overrulable ? failure.message : null;
  const message = clientError ?? (failure && !flagged ? failure.message : null);
  const limit = `${Math.round(maxBytes / 1024 / 1024)} MB`;
  return (
    <div className="space-y-8">
      <form ref={form} action={formAction} onSubmit={onSubmit} className="volume-form space-y-5 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <div className="grid gap-5 sm:grid-cols-2">
          <FileField name="flair" label="FLAIR volume (required)" multiple required accept={ANY_FILE}
            hint={`NIfTI-1 (.nii or .nii.gz), or a DICOM series: choose all its files at once, or one .zip of them; up to ${limit} in all.`} />
          <FileField name="t1c" label="T1c volume (optional)" hint="Post-contrast T1 on the same grid as the FLAIR: same size and position." accept={ACCEPT} />
          <FileField name="baseline" label="Earlier scan of the same patient (optional)" multiple accept={ANY_FILE}
            hint="Its FLAIR volume, in the same formats, for the change since then (a change category by RANO 2.0 thresholds, not a response assessment)." />
        </div>
        <div className="space-y-3">
          <div className="flex flex-wrap items-start gap-3">
            <SubmitButton idle="Analyse volume" pending={request.progress?.phase === 'uploading' ? 'Uploading…' : 'Analysing…'} busy={busy} />
            <button type="submit" formAction={REPORT_URL} formMethod="post" formEncType="multipart/form-data" disabled={report.pending || busy} aria-disabled={report.pending || busy}
              data-testid="report-submit"
              className="inline-flex items-center gap-2 rounded-md border border-teal-700 px-5 py-2.5 text-sm font-medium text-teal-800 hover:bg-teal-50 disabled:cursor-wait disabled:opacity-60">
              {report.pending && lastAsked === 'form-report' ? 'Preparing the report…' : 'Analyse and download the report (PDF)'}
            </button>
          </div>
          <VolumeProgressPanel progress={request.progress} />
        </div>
        <PageDrop field="flair" what="a volume or a series' files" />
        <div aria-live="polite" role="status">
          {message && <p className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="upload-error">{message}</p>}
          {flagged && (
            <AnalyseAnyway message={flagged} confirmation={CONFIRMATION}
              onAnalyseAnyway={lastSubmission.current ? (lastAsked === 'form-report' ? reportAnyway : analyseAnyway) : null} />
          )}
        </div>
      </form>
      {state.status === 'done' && (
        <Fragment key={answer}>
          {state.result}
          <SliceRange indices={state.frames.indices} start={state.frames.start} />
          <ViewerPortal input={state.viewer} scan={scan} />
          <ReportButton pending={report.pending} error={lastAsked === 'result-report' ? report.error?.message ?? null : null} onDownload={downloadReport} />
        </Fragment>
      )}
    </div>
  );
}
