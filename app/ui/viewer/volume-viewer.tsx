'use client';

import { useEffect, useRef, useState } from 'react';
import { Niivue, NVImage, SHOW_RENDER, SLICE_TYPE } from '@niivue/niivue';
import type { ViewerInput } from '@/lib/answers/volume-answer';
import { base64Bytes, crosshairStep, type Plane } from './viewer-keys';

// The scan and the predicted tumour in three planes and 3D, with NiiVue (WebGL2). Loaded without server rendering; the
// volumes come as bytes (the page's CSP refuses data: and blob: URLs to fetch). Without WebGL2 it shows nothing: the
// slice strip and the report below are the same result without it.

const PLANES: Array<{ plane: Plane; label: string; sliceType: SLICE_TYPE; wideOnly?: boolean }> = [
  { plane: 'all', label: 'Three planes', sliceType: SLICE_TYPE.MULTIPLANAR, wideOnly: true },
  { plane: 'axial', label: 'Axial', sliceType: SLICE_TYPE.AXIAL },
  { plane: 'coronal', label: 'Coronal', sliceType: SLICE_TYPE.CORONAL },
  { plane: 'sagittal', label: 'Sagittal', sliceType: SLICE_TYPE.SAGITTAL },
  { plane: '3d', label: '3D', sliceType: SLICE_TYPE.RENDER },
];
const WIDE = '(min-width: 640px)';
// not red: red is the tumour
const CROSSHAIR_COLOUR = [0.15, 0.85, 1, 1];
const MASK = 1;

type Status = 'loading' | 'ready' | 'no-webgl2' | 'failed';
interface Location {
  mm: [number, number, number];
  tumour: boolean;
}

const hasWebGl2 = () => document.createElement('canvas').getContext('webgl2') !== null;
const gzipName = (bytes: Uint8Array) => (bytes[0] === 0x1f && bytes[1] === 0x8b ? 'scan.nii.gz' : 'scan.nii');

async function scanBytes(input: ViewerInput, scan: File | null): Promise<Uint8Array | null> {
  if (input.displayNiftiBase64) return base64Bytes(input.displayNiftiBase64);
  return scan ? new Uint8Array(await scan.arrayBuffer()) : null;
}

export default function VolumeViewer({ input, scan }: { input: ViewerInput; scan: File | null }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const viewerRef = useRef<Niivue | null>(null);
  const [status, setStatus] = useState<Status>('loading');
  const [wide, setWide] = useState(true);
  const [plane, setPlane] = useState<Plane>('all');
  const [overlayShown, setOverlayShown] = useState(true);
  const [opacity, setOpacity] = useState(0.7);
  const [location, setLocation] = useState<Location | null>(null);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    if (!hasWebGl2()) return setStatus('no-webgl2');
    const isWide = window.matchMedia(WIDE).matches;
    setWide(isWide);
    if (!isWide) setPlane('axial');
    let closed = false;
    const viewer = new Niivue({
      backColor: [0, 0, 0, 1], crosshairColor: CROSSHAIR_COLOUR, crosshairWidth: 1, crosshairWidthUnit: 'mm', show3Dcrosshair: true,
      // as the slice strip and the key pictures: the patient's right on the left, anterior on the left in sagittal
      isRadiologicalConvention: true, sagittalNoseLeft: true,
      multiplanarShowRender: SHOW_RENDER.NEVER, scrollRequiresFocus: true, dragAndDropEnabled: false,
      clipPlaneHotKey: '', cycleClipPlaneHotKey: '', viewModeHotKey: '', logLevel: 'error',
    });
    viewerRef.current = viewer;
    (async () => {
      const scanData = await scanBytes(input, scan);
      if (!scanData || closed) return setStatus('failed');
      await viewer.attachToCanvas(canvas);
      const background = await NVImage.loadFromUrl({ url: scanData, name: gzipName(scanData), colormap: 'gray' });
      const mask = await NVImage.loadFromUrl({ url: base64Bytes(input.maskNiftiBase64), name: 'mask.nii.gz', colormap: 'red', cal_min: 0.5, cal_max: 1, opacity: 0.7 });
      if (closed) return;
      viewer.onLocationChange = (data) => {
        const { mm, values } = data as { mm: ArrayLike<number>; values: Array<{ value: number }> };
        setLocation({ mm: [mm[0], mm[1], mm[2]], tumour: (values[MASK]?.value ?? 0) >= 0.5 });
      };
      viewer.addVolume(background);
      viewer.addVolume(mask);
      viewer.setSliceType(isWide ? SLICE_TYPE.MULTIPLANAR : SLICE_TYPE.AXIAL);
      if (input.startMm) viewer.scene.crosshairPos = viewer.mm2frac(input.startMm);
      viewer.createOnLocationChange();
      viewer.drawScene();
      setStatus('ready');
    })().catch(() => !closed && setStatus('failed'));
    return () => {
      closed = true;
      viewerRef.current = null;
      viewer.cleanup();
      // browsers keep a handful of WebGL contexts: give this one back rather than wait for the collector
      viewer.gl?.getExtension('WEBGL_lose_context')?.loseContext();
    };
  }, [input, scan]);

  function choosePlane(next: Plane) {
    setPlane(next);
    viewerRef.current?.setSliceType(PLANES.find((p) => p.plane === next)!.sliceType);
  }

  function showOverlay(shown: boolean, nextOpacity = opacity) {
    setOverlayShown(shown);
    setOpacity(nextOpacity);
    if (status === 'ready') viewerRef.current?.setOpacity(MASK, shown ? nextOpacity : 0);
  }

  function onKeyDown(event: React.KeyboardEvent) {
    const step = crosshairStep(plane, event.key);
    if (!step || !viewerRef.current || status !== 'ready') return;
    event.preventDefault();
    viewerRef.current.moveCrosshairInVox(...step);
  }

  if (status === 'no-webgl2') return null;
  return (
    <section aria-labelledby="viewer-heading" className="space-y-3" data-testid="viewer" data-status={status} data-plane={plane}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 id="viewer-heading" className="text-lg font-semibold">The scan in three planes</h3>
        <p className="text-xs text-slate-500">Click or use the arrow keys (Page Up and Down for the next slice) to move the crosshair.</p>
      </div>
      <div className="flex flex-wrap items-center gap-x-6 gap-y-3">
        <fieldset className="flex flex-wrap gap-1" data-testid="viewer-planes">
          <legend className="sr-only">View</legend>
          {PLANES.filter((p) => wide || !p.wideOnly).map((p) => (
            <label key={p.plane} className="cursor-pointer rounded-md border border-slate-300 px-3 py-1.5 text-sm has-[:checked]:border-teal-800 has-[:checked]:bg-teal-700 has-[:checked]:text-white has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-teal-500">
              <input type="radio" name="viewer-plane" value={p.plane} checked={plane === p.plane} onChange={() => choosePlane(p.plane)} className="sr-only" />
              {p.label}
            </label>
          ))}
        </fieldset>
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" checked={overlayShown} onChange={(event) => showOverlay(event.target.checked)} data-testid="viewer-overlay" />
          Show the predicted tumour
        </label>
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <span className="shrink-0">Opacity</span>
          <input type="range" min={0} max={100} step={5} value={Math.round(opacity * 100)} disabled={!overlayShown}
            onChange={(event) => showOverlay(true, Number(event.target.value) / 100)} aria-valuetext={`${Math.round(opacity * 100)}%`}
            className="w-32 accent-teal-700" data-testid="viewer-opacity" />
          <span className="w-10 tabular-nums">{Math.round(opacity * 100)}%</span>
        </label>
      </div>
      <div className="relative h-[min(80vw,26rem)] w-full overflow-hidden rounded-md bg-black sm:h-[26rem]">
        <canvas ref={canvasRef} tabIndex={0} onKeyDown={onKeyDown} data-testid="viewer-canvas"
          aria-label="The FLAIR scan with the predicted tumour in red; the report and the slice pictures below give the same result as text and pictures."
          className="block h-full w-full focus-visible:outline-2 focus-visible:outline-teal-500" />
        {status !== 'ready' && (
          <p className="absolute inset-0 grid place-items-center text-sm text-slate-300">
            {status === 'loading' ? 'Loading the viewer…' : 'The viewer could not show this scan; the pictures below show it.'}
          </p>
        )}
      </div>
      <p aria-live="polite" className="text-sm tabular-nums text-slate-700" data-testid="viewer-location">
        {location && (
          <>Crosshair at x {location.mm[0].toFixed(1)}, y {location.mm[1].toFixed(1)}, z {location.mm[2].toFixed(1)} mm (RAS):{' '}
            <strong className={location.tumour ? 'text-red-700' : 'text-slate-900'} data-testid="viewer-voxel">{location.tumour ? 'predicted tumour' : 'no tumour predicted'}</strong></>
        )}
      </p>
    </section>
  );
}
