import type { Letterbox } from './letterbox';

// A cheap guard against pictures that are not MRI slices at all (photos, scans of documents, noise, screenshots).
// An MRI slice is one roundish bright head on a near-black background. The picture is first averaged into a coarse grid
// (so scanner noise and single specks do not count), then: is anything there, is the frame dark, is the bright part one
// blob rather than specks or lines of text, and is that blob round rather than a rectangular photo pasted on black.
// Thresholds measured with scripts/measure-mri-likeness.ts on 6,853 real slices and 296 other pictures.

export interface MriFeatures {
  /** Typical value of the frame (the background) and how far the brightest cell rises above it, on the coarse grid. */
  background: number;
  contrast: number;
  /** Cells brighter than the background by a clear margin. */
  foregroundShare: number;
  darkFraction: number;
  darkFrameFraction: number;
  /** Of the bright cells, the share in the largest connected blob (the head). */
  headShare: number;
  /** The head blob's area over its bounding box: about 0.79 for an ellipse, 1 for a rectangle. */
  extent: number;
  /** How much of the head blob's bounding-box sides it fills: a photo's straight edges fill them. */
  sideFill: number;
  brightCells: number;
  headCells: number;
}

export interface MriLikeness extends MriFeatures {
  isMri: boolean;
  reason?: string;
}

const GRID = 64; // cells across the model input
const MIN_CONTRAST = 6; // 8-bit levels between background and the brightest part
const MIN_HEAD_CELLS = 3; // about 50 pixels of a 256 x 256 input
const MIN_DARK_FRAME = 0.75;
const FLAT_FRAME = 16; // spread (10th to 90th percentile) of a channel's frame cells that still counts as a flat background
const MIN_DARK_FRACTION = 0.2;
const MIN_HEAD_SHARE = 0.3;
const MIN_SHAPED_CELLS = 30; // shape tests need a blob of at least this many cells (about 1% of the picture)
const MAX_SIDE_FILL = 0.6;
const MAX_EXTENT = 0.93;
const MIN_ASPECT = 0.25; // scanners' slices are square or close to it; 1:4 is far beyond any of them
const DARK = 32; // a frame cell (averaged, so noise does not count) at or below this is background

/** The letterboxed picture (inside its box) averaged into cells of `cell` x `cell` pixels, one plane per channel. */
function coarseGrid(rgb: Uint8Array, box: Letterbox, cell: number) {
  const width = Math.max(1, Math.floor(box.width / cell));
  const height = Math.max(1, Math.floor(box.height / cell));
  const planes = [new Float32Array(width * height), new Float32Array(width * height), new Float32Array(width * height)];
  const area = cell * cell;
  for (let gy = 0; gy < height; gy++) {
    for (let gx = 0; gx < width; gx++) {
      let r = 0, g = 0, b = 0;
      for (let y = 0; y < cell; y++) {
        let i = ((box.top + gy * cell + y) * box.size + box.left + gx * cell) * 3;
        for (let x = 0; x < cell; x++, i += 3) {
          r += rgb[i];
          g += rgb[i + 1];
          b += rgb[i + 2];
        }
      }
      const at = gy * width + gx;
      planes[0][at] = r / area;
      planes[1][at] = g / area;
      planes[2][at] = b / area;
    }
  }
  return { width, height, planes };
}

function percentile(values: Float32Array | number[], p: number): number {
  const sorted = Float32Array.from(values).sort();
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] : 0;
}

/** The largest 4-connected blob of `on` cells: its cells, bounding box and the share of its box sides it covers. */
function largestBlob(on: Uint8Array, width: number, height: number) {
  const label = new Int32Array(on.length).fill(-1);
  const stack: number[] = [];
  let best: number[] = [];
  for (let start = 0; start < on.length; start++) {
    if (!on[start] || label[start] >= 0) continue;
    const cells: number[] = [];
    label[start] = start;
    stack.push(start);
    while (stack.length) {
      const at = stack.pop()!;
      cells.push(at);
      const x = at % width, y = (at - x) / width;
      for (const next of [x > 0 ? at - 1 : -1, x < width - 1 ? at + 1 : -1, y > 0 ? at - width : -1, y < height - 1 ? at + width : -1]) {
        if (next >= 0 && on[next] && label[next] < 0) {
          label[next] = start;
          stack.push(next);
        }
      }
    }
    if (cells.length > best.length) best = cells;
  }
  let left = width, right = -1, top = height, bottom = -1;
  for (const at of best) {
    const x = at % width, y = (at - x) / width;
    left = Math.min(left, x); right = Math.max(right, x); top = Math.min(top, y); bottom = Math.max(bottom, y);
  }
  const boxWidth = right - left + 1, boxHeight = bottom - top + 1;
  const inBlob = new Uint8Array(on.length);
  for (const at of best) inBlob[at] = 1;
  let side = 0;
  for (let x = left; x <= right; x++) side += inBlob[top * width + x] + inBlob[bottom * width + x];
  for (let y = top; y <= bottom; y++) side += inBlob[y * width + left] + inBlob[y * width + right];
  return {
    cells: best,
    extent: best.length ? best.length / (boxWidth * boxHeight) : 0,
    sideFill: best.length ? side / (2 * (boxWidth + boxHeight)) : 0,
  };
}

export function measureMriFeatures(rgb: Uint8Array, box: Letterbox): MriFeatures {
  const { width, height, planes } = coarseGrid(rgb, box, Math.max(1, Math.round(box.size / GRID)));
  const ring = Math.max(1, Math.round(Math.min(width, height) * 0.04));
  const frameCells: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (y < ring || height - 1 - y < ring || x < ring || width - 1 - x < ring) frameCells.push(y * width + x);
    }
  }
  // A layered slice may carry one channel with a constant offset (a flat grey T1 background): subtract a channel's
  // frame level when that level is flat and some other channel is truly dark there. A sky's gradient is not flat.
  const frames = planes.map((plane) => frameCells.map((at) => plane[at]));
  const levels = frames.map((values) => percentile(values, 0.5));
  const flat = frames.map((values) => percentile(values, 0.9) - percentile(values, 0.1) <= FLAT_FRAME);
  const subtract = Math.min(...levels) <= DARK ? levels.map((level, c) => (flat[c] ? level : 0)) : [0, 0, 0];
  const value = new Float32Array(width * height);
  let brightest = 0;
  for (let i = 0; i < value.length; i++) {
    value[i] = Math.max(0, planes[0][i] - subtract[0], planes[1][i] - subtract[1], planes[2][i] - subtract[2]);
    if (value[i] > brightest) brightest = value[i];
  }
  const background = percentile(frameCells.map((at) => value[at]), 0.5);
  const contrast = Math.max(0, brightest - background);
  // bright: clearly above the background, by a tenth of the picture's range at least
  const cut = Math.min(background, DARK) + Math.max(MIN_CONTRAST, 0.1 * contrast);
  const on = new Uint8Array(value.length);
  let bright = 0;
  for (let i = 0; i < value.length; i++) if (value[i] > cut) { on[i] = 1; bright++; }
  let darkFrame = 0;
  for (const at of frameCells) if (value[at] <= DARK) darkFrame++;
  const blob = largestBlob(on, width, height);
  return {
    background,
    contrast,
    foregroundShare: bright / value.length,
    darkFraction: 1 - bright / value.length,
    darkFrameFraction: frameCells.length ? darkFrame / frameCells.length : 0,
    brightCells: bright,
    headShare: bright ? blob.cells.length / bright : 0,
    headCells: blob.cells.length,
    extent: blob.extent,
    sideFill: blob.sideFill,
  };
}

export function assessMriLikeness(rgb: Uint8Array, box: Letterbox): MriLikeness {
  const features = measureMriFeatures(rgb, box);
  const refuse = (reason: string): MriLikeness => ({ ...features, isMri: false, reason });
  if (Math.min(box.width, box.height) < MIN_ASPECT * Math.max(box.width, box.height)) return refuse('it is a long thin strip, not the shape of a slice');
  if (features.darkFrameFraction < MIN_DARK_FRAME) return refuse('its edges are not the dark background around a head');
  if (features.contrast < MIN_CONTRAST || features.headCells < MIN_HEAD_CELLS) return refuse('the image is blank');
  if (features.darkFraction < MIN_DARK_FRACTION) return refuse('it has too little dark background for an MRI slice');
  // a few specks at the top of the head are still a head; hundreds of them are noise, stars or text
  if (features.brightCells >= MIN_SHAPED_CELLS && features.headShare < MIN_HEAD_SHARE) {
    return refuse('its bright parts are scattered specks or lines, not one head');
  }
  if (features.headCells >= MIN_SHAPED_CELLS && (features.sideFill > MAX_SIDE_FILL || features.extent > MAX_EXTENT)) {
    return refuse('it has the straight edges of a photo or screenshot');
  }
  return { ...features, isMri: true };
}
