import type { VolumeView } from '@/lib/answers/volume-answer';
import { RESEARCH_NOTICE, sourceName, VOLUME_NOTE } from '@/lib/answers/pdf/report-words';
import LossyCompressionNote from '@/app/ui/lossy-compression-note';
import FollowUp from './follow-up';
import { REPORT_URL } from './upload-body';
import ProbabilityChart from './probability-chart';
import ReportSection from './report-section';
import SliceBrowser from './slice-browser';

const mm = (values: number[]) => values.map((v) => v.toFixed(2)).join(' × ');
const affineNames: Record<string, string> = {
  sform: 'the sform', qform: 'the qform', pixdim: 'the voxel sizes alone (no orientation in the header)',
  dicom: 'the DICOM position, orientation and pixel spacing tags',
};

export default function VolumeResult({ view }: { view: VolumeView }) {
  const found = view.tumourVolumeMl > 0;
  return (
    <section aria-label="Result" data-testid="volume-result" className="volume-result space-y-8 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <p className="hidden text-xl font-semibold print:block">Brain MRI tumour report &middot; {RESEARCH_NOTICE}</p>
      {view.warning && (
        <p className="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900" data-testid="volume-warning">
          <strong className="font-semibold">Warning: </strong>{view.warning}
        </p>
      )}
      {view.lossyCompression && <LossyCompressionNote />}
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <p className="text-sm text-slate-600">Predicted tumour volume</p>
          <h2 className={`text-4xl font-bold tabular-nums ${found ? 'text-red-700' : 'text-emerald-700'}`} data-testid="tumour-volume">
            {view.tumourVolumeMl.toFixed(1)} mL
          </h2>
          <p className="mt-1 text-sm text-slate-700">
            {found ? <>Tumour on <strong data-testid="tumour-slices">{view.tumourSlices}</strong> of {view.analysedSlices} slices with brain.</>
              : <>No tumour found on the <span data-testid="tumour-slices">{view.analysedSlices}</span> slices with brain.</>}
          </p>
        </div>
        <div className="result-actions flex flex-wrap items-start gap-3">
          {/* with JavaScript, the upload form puts the report's download button here */}
          <div data-report-download-slot>
            <noscript>
              {view.example ? (
                // the server holds the example: its name is enough for the report
                <form method="post" encType="multipart/form-data" action={REPORT_URL}>
                  <input type="hidden" name="example" value={view.example} />
                  <button type="submit" data-testid="report-download" className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-50">Download the report (PDF)</button>
                </form>
              ) : (
                <span className="block max-w-xs text-xs text-slate-600">For the report as a PDF, choose the files again above and press &ldquo;Analyse and download the report (PDF)&rdquo;: uploads are not kept.</span>
              )}
            </noscript>
          </div>
          <a href={view.download.href} download={view.download.fileName} data-testid="mask-download"
            className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-50">
            Download the mask (.nii.gz, {view.download.kilobytes} kB)
          </a>
        </div>
      </div>
      {/* with JavaScript and WebGL2, the upload form puts the 3-plane viewer here */}
      <div data-viewer-slot />
      <ReportSection view={view} />
      {view.followUp && <FollowUp followUp={view.followUp} report={view.report} />}
      <ProbabilityChart points={view.chart} sliceCount={view.sliceCount} threshold={view.threshold} startIndex={view.startIndex} superiorIncreases={view.superiorIncreases} />
      <SliceBrowser view={view} />
      <dl className="grid gap-3 text-sm sm:grid-cols-3">
        <div><dt className="text-slate-500">Grid</dt><dd>{view.geometry.dims.join(' × ')} voxels of {mm(view.geometry.spacingMm)} mm ({view.geometry.datatype})</dd></div>
        <div><dt className="text-slate-500">Slices along</dt><dd data-testid="slice-axis">voxel axis {view.axisDescription}, from {affineNames[view.geometry.affineSource]}</dd></div>
        {view.series && (
          <div><dt className="text-slate-500">DICOM series</dt><dd data-testid="dicom-series">series {view.series.seriesNumber ?? '(no number)'}, {view.series.modality}, {view.series.slices} slices</dd></div>
        )}
        <div><dt className="text-slate-500">Read as</dt><dd>{view.modalities === 'FLAIR' ? 'FLAIR alone (FLAIR in all three channels)' : 'FLAIR and T1c (T1 filled with FLAIR)'}</dd></div>
        {!view.series && <div><dt className="text-slate-500">Source</dt><dd>{sourceName(view.series)}</dd></div>}
        <div><dt className="text-slate-500">Model</dt><dd data-testid="model-version">{view.model.name} v{view.model.version}</dd></div>
        <div><dt className="text-slate-500">Time</dt><dd>{view.totalSeconds.toFixed(1)} s (model {view.inferenceSeconds.toFixed(1)} s)</dd></div>
        <div><dt className="text-slate-500">Mask file</dt><dd>uint8, 1 = tumour, on the upload&rsquo;s grid and affine</dd></div>
        <div className="sm:col-span-2"><dt className="text-slate-500">MRI guard (v{view.guardVersion})</dt><dd data-testid="guard-reason">{view.guardReason}</dd></div>
      </dl>
      <p className="text-xs text-slate-500">{RESEARCH_NOTICE} {VOLUME_NOTE}</p>
      <a href="/volume" className="another-volume inline-block rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-50">Analyse another volume</a>
    </section>
  );
}
