import type { ReadingView, SliceView } from '@/lib/answers/slice-answer';
import LossyCompressionNote from '@/app/ui/lossy-compression-note';
import WithTumourOverlay from '@/app/ui/tumour-overlay';
import ProbabilityBar from './probability-bar';

const percent = (value: number, digits = 1) => `${(value * 100).toFixed(digits)}%`;

// The upload is sent once, as a style rule that every picture of it uses: as <img> data URLs it went out two to four times.
const PICTURE_CLASS = 'uploaded-slice';

function SlicePicture({ view, label }: { view: SliceView; label: string }) {
  return (
    <div role="img" aria-label={label} className={`${PICTURE_CLASS} w-full rounded-md bg-black bg-contain bg-center bg-no-repeat`}
      style={{ aspectRatio: `${view.displayWidth} / ${view.displayHeight}` }} />
  );
}

function ReadingPanel({ view, reading, headingLevel }: { view: SliceView; reading: ReadingView; headingLevel: 'h2' | 'h3' }) {
  const Heading = headingLevel;
  const isTumour = reading.label === 'Tumor';
  const toggleId = `overlay-${reading.reading}`;
  return (
    <div className="space-y-4" data-testid={`reading-${reading.reading}`}>
      <div className="flex flex-wrap items-baseline gap-x-4 gap-y-1">
        <Heading className={`text-3xl font-bold ${isTumour ? 'text-red-700' : 'text-emerald-700'}`} data-testid="label">{reading.label}</Heading>
        <span className="text-lg text-slate-700">
          tumour probability <strong data-testid="probability">{percent(reading.probability)}</strong>
        </span>
      </div>
      <ProbabilityBar probability={reading.probability} threshold={view.threshold} />
      <p className="text-xs text-slate-500">Read as: {reading.readingDescription}.</p>
      <div>
        <input id={toggleId} type="checkbox" defaultChecked className="overlay-toggle mr-2 align-middle" disabled={!reading.overlaySrc} />
        <label htmlFor={toggleId} className="text-sm text-slate-700">Show the predicted tumour</label>
        <div className="mt-3 grid gap-4 sm:grid-cols-2">
          <figure>
            <SlicePicture view={view} label="The uploaded slice" />
            <figcaption className="mt-1 text-xs text-slate-500">Uploaded image ({view.width}×{view.height})</figcaption>
          </figure>
          <figure>
            <WithTumourOverlay overlaySrc={reading.overlaySrc} testId="overlay">
              <SlicePicture view={view} label="The uploaded slice with the predicted tumour drawn over it" />
            </WithTumourOverlay>
            <figcaption className="mt-1 text-xs text-slate-500">
              {reading.overlaySrc ? 'Predicted tumour: red fill, yellow outline' : 'No tumour drawn'}
            </figcaption>
          </figure>
        </div>
      </div>
      <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
        <div><dt className="text-slate-500">Tumour area</dt><dd data-testid="area">{reading.tumourAreaPx.toLocaleString('en')} px{reading.tumourAreaMm2 !== null && <span data-testid="area-mm2"> ({reading.tumourAreaMm2.toLocaleString('en', { maximumFractionDigits: 1 })} mm²)</span>}</dd></div>
        <div><dt className="text-slate-500">Share of the brain</dt><dd>{reading.tumourSharePercent.toFixed(1)}%</dd></div>
        <div><dt className="text-slate-500">Decision threshold</dt><dd>{percent(view.threshold)}</dd></div>
        <div><dt className="text-slate-500">Model</dt><dd>{view.model.name} v{view.model.version}</dd></div>
      </dl>
    </div>
  );
}

export default function SliceResult({ view }: { view: SliceView }) {
  return (
    <section aria-label="Result" data-testid="result" className="space-y-6 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <style>{`.${PICTURE_CLASS}{background-image:url("${view.imageSrc}")}`}</style>
      {view.warning && (
        <p role="note" data-testid="guard-warning" className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm font-medium text-amber-900">
          Warning: {view.warning}
        </p>
      )}
      {view.orientationNote && <p data-testid="orientation-note" className="rounded-md border border-slate-200 bg-slate-50 px-4 py-3 text-sm text-slate-700">{view.orientationNote}</p>}
      {view.lossyCompression && <LossyCompressionNote />}
      {view.note && <p data-testid="no-brain-note" className="rounded-md border border-slate-200 bg-slate-50 px-4 py-3 text-sm text-slate-700">{view.note}</p>}
      <ReadingPanel view={view} reading={view.result} headingLevel="h2" />
      {view.alternative && (
        <details className="rounded-md border border-slate-200 p-4">
          <summary className="cursor-pointer text-sm font-medium text-slate-800">
            This image is in colour. See the result when it is read as {view.alternative.readingDescription}
          </summary>
          <div className="mt-4"><ReadingPanel view={view} reading={view.alternative} headingLevel="h3" /></div>
        </details>
      )}
      <p className="text-xs text-slate-500">
        Analysed in {Math.round(view.totalMs)} ms (model {Math.round(view.inferenceMs)} ms). The guard: {view.guardReason}. A research tool: not a diagnosis.
      </p>
      <a href="/predict" className="inline-block rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-50">
        Analyse another image
      </a>
    </section>
  );
}
