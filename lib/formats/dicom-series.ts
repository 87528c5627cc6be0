import { UploadError } from '../errors';
import { megabytes } from '../format';
import { MAX_DICOM_FILES, MAX_VOLUME_DECOMPRESSED_BYTES, MAX_VOLUME_SIDE, MAX_VOLUME_VOXELS } from '../limits';
import { nativePixels, readDicomHeader, type DicomImageHeader } from './dicom-file';
import { CODEC_SCRATCH_FRAMES, readFramePixels } from './dicom-pixels';
import { bytesPerVoxel, storedView, type Affine, type PlaneScaling, type ScalarVolume, type VoxelType } from '../volume/scalar-volume';

// The files of one DICOM series -> a ScalarVolume, in two steps like a NIfTI: every header is read and checked first (one
// series, one grid, evenly spaced slices), so memory is admitted before a pixel is copied.

export interface DicomSeriesInfo {
  seriesNumber: number | null;
  modality: string;
  slices: number;
}

export interface OpenedDicomSeries {
  dims: [number, number, number];
  series: DicomSeriesInfo;
  /** Bytes the read allocates: the stacked voxels, or one slice when they are stacked in the files' own buffer. */
  readBytes: number;
  /** Some file says its pixels went through lossy compression (a lossy syntax, or LossyImageCompression "01"). */
  lossyCompression: boolean;
  read(): Promise<ScalarVolume>;
}

type Vector = [number, number, number];
const dot = (a: Vector, b: Vector) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vector, b: Vector): Vector => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const mm = (value: number) => `${Number(value.toFixed(2))} mm`;

// Orientation cosines and pixel spacings written to 6 decimals or fewer agree to this within one series
const SAME_DIRECTION = 1e-3;

interface Slice {
  header: DicomImageHeader;
  file: Uint8Array;
  /** 1-based, in the order the files came. */
  number: number;
  /** The file by its position ("File 3 of 155"), and the frame for an Enhanced MR file: never by name. */
  label: string;
}

function describeSeries(slices: Slice[]): string {
  const { seriesNumber, modality } = slices[0].header;
  const localiser = slices.every((s) => s.header.isLocaliser) ? ', localiser' : '';
  return `series ${seriesNumber ?? '(no number)'} (${modality}, ${slices.length} ${slices.length === 1 ? 'image' : 'images'}${localiser})`;
}

/** Several SeriesInstanceUIDs: named by series number, modality and image count, never by a free-text tag. */
function refuseSeveralSeries(slices: Slice[], label: string): void {
  const groups = new Map<string, Slice[]>();
  for (const slice of slices) groups.set(slice.header.seriesUid, [...(groups.get(slice.header.seriesUid) ?? []), slice]);
  if (groups.size < 2) return;
  const listed = [...groups.values()].sort((a, b) => b.length - a.length).map(describeSeries);
  throw new UploadError(`${label} holds ${groups.size} series: ${listed.join(', ')}. Upload the files of one axial FLAIR series at a time.`, 422);
}

function unitVectors(orientation: NonNullable<DicomImageHeader['orientation']>, label: string): [Vector, Vector] {
  const row = orientation.slice(0, 3) as Vector, column = orientation.slice(3, 6) as Vector;
  const rowLength = Math.hypot(...row), columnLength = Math.hypot(...column);
  if (Math.abs(rowLength - 1) > 0.01 || Math.abs(columnLength - 1) > 0.01 || Math.abs(dot(row, column)) > 0.01) {
    throw new UploadError(`${label} has an impossible orientation (ImageOrientationPatient is not two perpendicular unit vectors).`, 422);
  }
  return [row.map((v) => v / rowLength) as Vector, column.map((v) => v / columnLength) as Vector];
}

/** Every slice on one grid: the same size, pixel type, spacing and orientation, with a position. */
function checkOneGrid(slices: Slice[], label: string, unit: 'file' | 'frame'): void {
  const first = slices[0].header;
  for (const { header, number } of slices) {
    const what = `${unit} ${number} of ${slices.length}`;
    if (!header.position || !header.orientation || !header.pixelSpacingMm) {
      throw new UploadError(`${label}: ${what} has no position, orientation or pixel spacing (ImagePositionPatient, ImageOrientationPatient, PixelSpacing), so the slices cannot be stacked into a volume.`, 422);
    }
    if (header.rows !== first.rows || header.columns !== first.columns || header.datatype !== first.datatype || header.bitsStored !== first.bitsStored) {
      throw new UploadError(`${label} mixes images of different kinds: ${first.columns}×${first.rows} ${first.datatype} and ${header.columns}×${header.rows} ${header.datatype} (${what}). Upload one series.`, 422);
    }
    if (header.pixelSpacingMm.some((s, d) => Math.abs(s - first.pixelSpacingMm![d]) > SAME_DIRECTION * s)) {
      throw new UploadError(`${label} mixes pixel spacings: ${first.pixelSpacingMm!.map(mm).join(' × ')} and ${header.pixelSpacingMm.map(mm).join(' × ')} (${what}). Upload one series.`, 422);
    }
    if (header.orientation.some((v, d) => Math.abs(v - first.orientation![d]) > SAME_DIRECTION)) {
      throw new UploadError(`${label} mixes slice orientations (${what} is turned differently from ${unit} 1): it holds more than one stack. Upload one series.`, 422);
    }
  }
}

interface Stack {
  order: Slice[];
  /** Position of each slice along the normal, mm. */
  along: number[];
  stepMm: number;
  /** From the first slice's position to the last's, divided by the gaps: the k column of the affine (LPS). */
  stepVector: Vector;
}

/** Slices sorted along the normal of their planes, evenly spaced; a missing slice or an uneven gap is named. */
function stack(slices: Slice[], normal: Vector, label: string): Stack {
  const order = [...slices].sort((a, b) => dot(a.header.position!, normal) - dot(b.header.position!, normal));
  const along = order.map((s) => dot(s.header.position!, normal));
  const steps = along.slice(1).map((a, i) => a - along[i]);
  const duplicate = steps.findIndex((step) => step < 1e-3);
  if (duplicate >= 0) {
    throw new UploadError(`${label} has two images at the same position (${mm(along[duplicate])} along the slice normal): it holds one slice twice, or several echoes or time points. Upload one 3D series.`, 422);
  }
  const stepMm = [...steps].sort((a, b) => a - b)[Math.floor(steps.length / 2)];
  const tolerance = 0.01 * stepMm + 1e-3;
  for (let i = 0; i < steps.length; i++) {
    if (Math.abs(steps[i] - stepMm) <= tolerance) continue;
    const missing = Math.round(steps[i] / stepMm) - 1;
    const where = `between the slices at ${mm(along[i])} and ${mm(along[i + 1])}`;
    if (missing >= 1 && Math.abs(steps[i] - (missing + 1) * stepMm) <= tolerance * (missing + 1)) {
      throw new UploadError(`${label} is missing ${missing === 1 ? 'a slice' : `${missing} slices`} ${where}: a gap of ${mm(steps[i])} where the others are ${mm(stepMm)} apart. Upload every file of the series.`, 422);
    }
    throw new UploadError(`${label} has uneven slice spacing: ${mm(steps[i])} ${where}, where the others are ${mm(stepMm)} apart. Only evenly spaced series can be measured.`, 422);
  }
  const first = order[0].header.position!, last = order[order.length - 1].header.position!;
  const stepVector = [0, 1, 2].map((d) => (last[d] - first[d]) / (order.length - 1)) as Vector;
  order.forEach((slice, k) => {
    const off = Math.hypot(...[0, 1, 2].map((d) => slice.header.position![d] - (first[d] + k * stepVector[d])));
    if (off > tolerance + 0.01 * stepMm) {
      throw new UploadError(`${label}: the slice positions do not lie on one line (the slice at ${mm(along[k])} is ${mm(off)} off it), so it is not one stack. Upload one series.`, 422);
    }
  });
  return { order, along, stepMm: (along[along.length - 1] - along[0]) / (order.length - 1), stepVector };
}

/** Voxel (i = column, j = row, k = slice) -> RAS+ mm. DICOM positions are LPS+: x and y change sign. */
export function dicomAffine(row: Vector, column: Vector, pixelSpacingMm: [number, number], origin: Vector, stepVector: Vector): Affine {
  // PixelSpacing is (between rows, between columns): i moves along the row direction by the column spacing
  const columns = [row.map((v) => v * pixelSpacingMm[1]), column.map((v) => v * pixelSpacingMm[0]), stepVector, origin];
  const lpsToRas = [-1, -1, 1];
  return [0, 1, 2].map((r) => columns.map((c) => c[r] * lpsToRas[r] + 0)).concat([[0, 0, 0, 1]]);
}

function planeScaling(order: Slice[]): { slope: number; intercept: number; planeScaling?: PlaneScaling } {
  const { slope, intercept } = order[0].header;
  if (order.every((s) => s.header.slope === slope && s.header.intercept === intercept)) return { slope, intercept };
  // each slice keeps its own rescale: no float copy of the volume (it would be twice the size of int16 voxels)
  return {
    slope: 1,
    intercept: 0,
    planeScaling: { slopes: Float64Array.from(order, (s) => s.header.slope), intercepts: Float64Array.from(order, (s) => s.header.intercept) },
  };
}

/** An Enhanced MR file's frames as slices of their own: each with its frame's geometry, rescale and pixels. */
function framesAsSlices(slice: Slice): Slice[] {
  const { header, file } = slice;
  const frameBytes = header.pixelBytes / header.frames;
  return header.frameGeometry!.map((geometry, f) => ({
    file,
    number: f + 1,
    label: `${slice.label}, frame ${f + 1} of ${header.frames}`,
    header: {
      ...header, ...geometry, pixelOffset: header.pixelOffset + f * frameBytes, pixelBytes: frameBytes, frames: 1, frameGeometry: null,
      frameRanges: header.frameRanges && [header.frameRanges[f]],
    },
  }));
}

/** Files that lie one after another in one buffer, in order (a zip unpacked by us, the files of one multipart field). */
function oneBuffer(files: Uint8Array[]): boolean {
  return files.every((file, i) => file.buffer === files[0].buffer && (i === 0 || file.byteOffset === files[i - 1].byteOffset + files[i - 1].length));
}

type StoredPlane = Uint8Array | Uint16Array | Int16Array;
const yieldToOthers = () => new Promise((resolve) => setImmediate(resolve));

/** Each slice's pixels copied into a new array, in stacking order. */
async function stackByCopy(order: Slice[], datatype: VoxelType, plane: number): Promise<StoredPlane> {
  const voxels = plane * order.length;
  const stored = datatype === 'int16' ? new Int16Array(voxels) : datatype === 'uint16' ? new Uint16Array(voxels) : new Uint8Array(voxels);
  for (let k = 0; k < order.length; k++) {
    await readFramePixels(order[k].header, stored.subarray(k * plane, (k + 1) * plane), order[k].label);
    if (k % 16 === 15 || order[k].header.frameRanges) await yieldToOthers(); // let other requests in
  }
  return stored;
}

/**
 * The slices stacked inside the files' own buffer, which the caller hands over: no second copy of the series. Each
 * file's pixels move down to slot i (they never reach a later file: every file is longer than its pixels), then the
 * slots are permuted into stacking order through one slice of scratch.
 */
async function stackInPlace(slices: Slice[], order: Slice[], datatype: VoxelType, plane: number): Promise<StoredPlane> {
  const bytes = new Uint8Array(slices[0].file.buffer);
  const base = slices[0].file.byteOffset;
  const sliceBytes = plane * bytesPerVoxel[datatype];
  slices.forEach(({ file, header }, i) => bytes.copyWithin(base + i * sliceBytes, file.byteOffset + header.pixelOffset, file.byteOffset + header.pixelOffset + sliceBytes));
  await yieldToOthers();
  const uploaded = new Map(slices.map((slice, i) => [slice, i]));
  const from = order.map((slice) => uploaded.get(slice)!); // slot k takes the slice now in slot from[k]
  const slot = (k: number) => base + k * sliceBytes;
  const scratch = new Uint8Array(sliceBytes);
  const placed = new Uint8Array(order.length);
  for (let start = 0; start < order.length; start++) {
    if (placed[start]) continue;
    scratch.set(bytes.subarray(slot(start), slot(start) + sliceBytes));
    for (let k = start; ;) {
      placed[k] = 1;
      if (from[k] === start) {
        bytes.set(scratch, slot(k));
        break;
      }
      bytes.copyWithin(slot(k), slot(from[k]), slot(from[k]) + sliceBytes);
      k = from[k];
    }
  }
  const stored = storedView(datatype, bytes.buffer as ArrayBuffer, base, plane * order.length) as StoredPlane;
  order.forEach((slice, k) => nativePixels(slice.header, stored.subarray(k * plane, (k + 1) * plane)));
  return stored;
}

/**
 * Reads and checks every header of a series; the pixels are stacked only by read(). With `consume`, files that lie one
 * after another in one buffer are stacked in that buffer, overwriting them (the caller must not read them again).
 */
export function openDicomSeries(files: Uint8Array[], label = 'The DICOM series', fileLabel = (n: number, total: number) => `File ${n} of ${total}`, consume = false): OpenedDicomSeries {
  if (files.length > MAX_DICOM_FILES) throw new UploadError(`${label} has ${files.length} files; the limit is ${MAX_DICOM_FILES} a series.`, 413);
  const all = files.map((file, i) => ({ file, number: i + 1, label: fileLabel(i + 1, files.length), header: readDicomHeader(file, fileLabel(i + 1, files.length)) }));
  // the Deflated syntax's files are inflated copies, held until the series is read
  const inflatedBytes = all.reduce((sum, s) => sum + (s.header.pixelSource === s.file ? 0 : s.header.pixelSource.length), 0);
  if (inflatedBytes > MAX_VOLUME_DECOMPRESSED_BYTES) {
    throw new UploadError(`${label} inflates to ${megabytes(inflatedBytes)} (Deflated Explicit VR Little Endian); the limit for one volume is ${megabytes(MAX_VOLUME_DECOMPRESSED_BYTES)}.`, 413);
  }
  const images = all.filter((s) => !s.header.isMediaDirectory);
  if (images.length === 0) throw new UploadError(`${label} holds no images (only a DICOMDIR).`, 422);
  refuseSeveralSeries(images, label);
  const enhanced = images.find((s) => s.header.frameGeometry && s.header.frames > 1);
  if (enhanced && images.length > 1) {
    throw new UploadError(`${label}: file ${enhanced.number} of ${files.length} is an Enhanced MR file of ${enhanced.header.frames} frames, a whole series in one file, sent with other files. Upload that file alone.`, 422);
  }
  const slices = enhanced ? framesAsSlices(enhanced) : images;
  const unit = enhanced ? 'frame' : 'file';
  const first = slices[0].header;
  if (first.modality !== 'MR' && first.modality !== 'unknown') {
    throw new UploadError(`${label} is ${describeSeries(slices)}: ${first.modality === 'CT' ? 'this is CT; this tool reads MRI' : `modality ${first.modality}, not MR. The model reads FLAIR MRI`}.`, 422);
  }
  const localiser = slices.find((s) => s.header.isLocaliser);
  if (localiser) {
    const what = slices.every((s) => s.header.isLocaliser) ? `is a localiser (scout) ${slices.length === 1 ? 'image' : 'series'}` : `has a localiser (scout) image among its slices (${unit} ${localiser.number} of ${enhanced ? slices.length : files.length})`;
    throw new UploadError(`${label} ${what}, taken to plan the scan, not a FLAIR volume. Upload the axial FLAIR series alone.`, 422);
  }
  if (slices.length === 1) {
    throw new UploadError(`${label} is one image, not a series. Upload every file of the series (or a .zip of them); analyse a single slice on the slice page (/predict).`, 422);
  }
  checkOneGrid(slices, label, unit);
  const [row, column] = unitVectors(first.orientation!, label);
  const { order, stepMm, stepVector } = stack(slices, cross(row, column), label);
  const dims: [number, number, number] = [first.columns, first.rows, order.length];
  const voxels = dims[0] * dims[1] * dims[2];
  if (dims.some((n) => n > MAX_VOLUME_SIDE) || voxels > MAX_VOLUME_VOXELS) {
    throw new UploadError(`${label} is ${dims.join('×')} voxels; the limit is ${MAX_VOLUME_SIDE} a side and ${MAX_VOLUME_VOXELS.toLocaleString('en')} in all.`, 413);
  }
  const voxelBytes = voxels * bytesPerVoxel[first.datatype];
  if (voxelBytes > MAX_VOLUME_DECOMPRESSED_BYTES) {
    throw new UploadError(`${label} holds ${megabytes(voxelBytes)} of voxels; the limit is ${megabytes(MAX_VOLUME_DECOMPRESSED_BYTES)}.`, 413);
  }
  const plane = dims[0] * dims[1];
  // the voxels must start aligned for their type, as typed arrays require
  const native = slices.every((s) => !s.header.frameRanges && s.header.pixelSource === s.file);
  const inPlace = consume && native && !enhanced && oneBuffer(files) && slices[0].file.byteOffset % bytesPerVoxel[first.datatype] === 0;
  const planeBytes = plane * bytesPerVoxel[first.datatype];
  // a codec's working memory for one frame at a time, and the inflated files already held
  const codecBytes = slices.some((s) => s.header.frameRanges) ? CODEC_SCRATCH_FRAMES * planeBytes : 0;
  const readBytes = (inPlace ? planeBytes : voxelBytes) + codecBytes + inflatedBytes;
  const pixelSpacingMm = first.pixelSpacingMm!;
  const affine = dicomAffine(row, column, pixelSpacingMm, order[0].header.position!, stepVector);
  return {
    dims,
    series: { seriesNumber: first.seriesNumber, modality: first.modality, slices: order.length },
    lossyCompression: slices.some((s) => s.header.lossyCompression),
    readBytes,
    async read() {
      const stored = inPlace ? await stackInPlace(slices, order, first.datatype, plane) : await stackByCopy(order, first.datatype, plane);
      return {
        dims,
        spacingMm: [pixelSpacingMm[1], pixelSpacingMm[0], stepMm],
        affine,
        affineSource: 'dicom',
        datatype: first.datatype,
        stored,
        ...planeScaling(order),
      };
    },
  };
}
