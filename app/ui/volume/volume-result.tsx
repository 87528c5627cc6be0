import type { VolumeView } from '@/lib/answers/volume-answer';
import ProbabilityChart from './probability-chart';
import SliceBrowser from './slice-browser';

const mm = (values: number[]) => values.map((v) => v.toFixed(2)).join(' × ');
const affineNames: Record<string, string> = {
  sform: 'the sform', qform: 'the qform', pixdim: 'the voxel sizes alone (no orientation in the header)',
  dicom: 'the DICOM position, orientation and pixel spacing tags',
};

export default function VolumeResult({ view }: { view: VolumeView }) {
  const found = view.tumourVolumeMl > 0;
  return (
    <section aria-label="Result" data-testid="volume-result" className="space-y-8 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
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
        <a href={view.download.href} download={view.download.fileName} data-testid="mask-download"
          className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-50">
          Download the mask (.nii.gz, {view.download.kilobytes} kB)
        </a>
      </div>
      <ProbabilityChart points={view.chart} sliceCount={view.sliceCount} threshold={view.threshold} startIndex={view.startIndex} superiorIncreases={view.superiorIncreases} />
      <SliceBrowser view={view} />
      <dl className="grid gap-3 text-sm sm:grid-cols-3">
        <div><dt className="text-slate-500">Grid</dt><dd>{view.geometry.dims.join(' × ')} voxels of {mm(view.geometry.spacingMm)} mm ({view.geometry.datatype})</dd></div>
        <div><dt className="text-slate-500">Slices along</dt><dd data-testid="slice-axis">voxel axis {view.axisDescription}, from {affineNames[view.geometry.affineSource]}</dd></div>
        {view.series && (
          <div><dt className="text-slate-500">DICOM series</dt><dd data-testid="dicom-series">series {view.series.seriesNumber ?? '(no number)'}, {view.series.modality}, {view.series.slices} slices</dd></div>
        )}
        <div><dt className="text-slate-500">Read as</dt><dd>{view.modalities === 'FLAIR' ? 'FLAIR alone (FLAIR in all three channels)' : 'FLAIR and T1c (T1 filled with FLAIR)'}</dd></div>
        <div><dt className="text-slate-500">Model</dt><dd>{view.model.name} v{view.model.version}</dd></div>
        <div><dt className="text-slate-500">Time</dt><dd>{view.totalSeconds.toFixed(1)} s (model {view.inferenceSeconds.toFixed(1)} s)</dd></div>
        <div><dt className="text-slate-500">Mask file</dt><dd>uint8, 1 = tumour, on the upload&rsquo;s grid and affine</dd></div>
      </dl>
      <p className="text-xs text-slate-500">A research tool: not a diagnosis. The volume counts voxels the model marks as tumour, times the voxel size.</p>
      <a href="/volume" className="inline-block rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-50">Analyse another volume</a>
    </section>
  );
}
