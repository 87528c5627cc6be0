import { Fragment } from 'react';
import type { VolumeView } from '@/lib/answers/volume-answer';
import WithTumourOverlay from '@/app/ui/tumour-overlay';
import { SLICE_ID_PREFIX } from './slice-ids';

// Stepping through slices without JavaScript: one radio button per picture, and CSS shows the picture after the checked one.

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

export default function SliceBrowser({ view }: { view: VolumeView }) {
  const [x, y, z] = view.geometry.spacingMm;
  const voxelMl = (x * y * z) / 1000;
  const shown = view.frameStep > 1 ? `every ${view.frameStep}${view.frameStep === 2 ? 'nd' : view.frameStep === 3 ? 'rd' : 'th'} slice with brain, and the slice with the most tumour` : 'every slice with brain';
  return (
    <section aria-labelledby="slices-heading" className="space-y-3">
      <div>
        <h3 id="slices-heading" className="text-lg font-semibold">Slices</h3>
        <p className="text-xs text-slate-500">Showing {shown} ({view.frames.length} pictures), patient&rsquo;s right on the left. Choose a slice by its number.</p>
      </div>
      <div>
        <input id="volume-overlay-toggle" type="checkbox" defaultChecked className="overlay-toggle mr-2 align-middle" />
        <label htmlFor="volume-overlay-toggle" className="text-sm text-slate-700">Show the predicted tumour</label>
        <div className="mt-3 space-y-3">
          {/* with JavaScript, the upload form puts a slider here */}
          <div data-slice-range-slot />
          <div className="grid grid-cols-[repeat(auto-fill,minmax(2.6rem,1fr))] gap-1" data-testid="slice-browser">
            {view.frames.map((frame) => (
              <Fragment key={frame.index}>
                <input type="radio" name="volume-slice" id={`${SLICE_ID_PREFIX}${frame.index}`} value={frame.index} defaultChecked={frame.index === view.startIndex} className="sr-only" />
                <label htmlFor={`${SLICE_ID_PREFIX}${frame.index}`} title={`Slice ${frame.index}: ${frame.tumourAreaPx ? `${frame.tumourAreaPx.toLocaleString('en')} px of tumour` : 'no tumour drawn'}`}
                  className={`cursor-pointer rounded border px-1 py-1 text-center text-xs tabular-nums hover:border-teal-600 [input:checked+&]:border-teal-800 [input:checked+&]:bg-teal-700 [input:checked+&]:text-white [input:focus-visible+&]:ring-2 [input:focus-visible+&]:ring-teal-500 ${frame.tumourAreaPx ? 'border-red-300 bg-red-50 text-red-900' : 'border-slate-200 bg-white text-slate-700'}`}>
                  {frame.index}
                </label>
                <figure className="col-span-full row-start-1 mb-3 hidden [input:checked+label+&]:block" data-testid="slice-frame" data-slice={frame.index}>
                  <WithTumourOverlay overlaySrc={frame.overlaySrc} testId="volume-overlay" className="mx-auto" style={{ maxWidth: view.frameWidth }}>
                    {/* eslint-disable-next-line @next/next/no-img-element -- a data URL made from the upload, never stored */}
                    <img src={frame.imageSrc} width={view.frameWidth} height={view.frameHeight} alt={`Axial slice ${frame.index} of the FLAIR volume`} className="h-auto w-full rounded-md bg-black" />
                  </WithTumourOverlay>
                  <figcaption className="mt-2 text-center text-sm text-slate-700">
                    Slice {frame.index} of {view.sliceCount}: tumour probability {percent(frame.probability)}
                    {frame.tumourAreaPx > 0 ? `, ${frame.tumourAreaPx.toLocaleString('en')} voxels of tumour (${(frame.tumourAreaPx * voxelMl).toFixed(1)} mL)` : ', no tumour drawn'}
                  </figcaption>
                </figure>
              </Fragment>
            ))}
          </div>
        </div>
      </div>
    </section>
  );
}
