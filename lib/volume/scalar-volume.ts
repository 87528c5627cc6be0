// A 3D scan as every volume reader delivers it: the stored voxels in native byte order, never a float copy of the whole.

export type VoxelType = 'uint8' | 'int16' | 'uint16' | 'int32' | 'float32' | 'float64';
export type StoredVoxels = Uint8Array | Int16Array | Uint16Array | Int32Array | Float32Array | Float64Array;
export type Affine = number[][];
export type GeometrySource = 'sform' | 'qform' | 'pixdim' | 'dicom';

export interface PlaneScaling {
  slopes: Float64Array;
  intercepts: Float64Array;
}

export const bytesPerVoxel: Record<VoxelType, number> = { uint8: 1, int16: 2, uint16: 2, int32: 4, float32: 4, float64: 8 };

/** Where a scan's voxels lie and what type they are: what answers about a volume and its mask keep of it. */
export interface VolumeGeometry {
  /** Voxels along i, j, k. */
  dims: [number, number, number];
  spacingMm: [number, number, number];
  /** Voxel (i, j, k) -> patient mm (RAS+). */
  affine: Affine;
  affineSource: GeometrySource;
  datatype: VoxelType;
  /** A NIfTI upload's 348 header bytes: a mask on the same grid copies them. Absent for other sources. */
  niftiHeader?: { bytes: Uint8Array; littleEndian: boolean };
}

export interface ScalarVolume extends VolumeGeometry {
  /** i fastest, then j, then k; a voxel's value is stored * slope + intercept. */
  stored: StoredVoxels;
  slope: number;
  intercept: number;
  /** A slope and intercept for each k-plane, in place of the global ones: DICOM slices may each carry their own. */
  planeScaling?: PlaneScaling;
}

/** The typed array for `type` over `bytes`, which must be aligned for it and in native (little-endian) byte order. */
export function storedView(type: VoxelType, buffer: ArrayBuffer, byteOffset: number, count: number): StoredVoxels {
  switch (type) {
    case 'uint8': return new Uint8Array(buffer, byteOffset, count);
    case 'int16': return new Int16Array(buffer, byteOffset, count);
    case 'uint16': return new Uint16Array(buffer, byteOffset, count);
    case 'int32': return new Int32Array(buffer, byteOffset, count);
    case 'float32': return new Float32Array(buffer, byteOffset, count);
    case 'float64': return new Float64Array(buffer, byteOffset, count);
  }
}

/** Values of voxels [from, from + into.length) as float32, with the scaling applied. One loop per type keeps each monomorphic. */
export function readValues(volume: ScalarVolume, from: number, into: Float32Array): Float32Array {
  const { stored, slope, intercept } = volume;
  const end = from + into.length;
  if (stored instanceof Float32Array) into.set(stored.subarray(from, end));
  else if (stored instanceof Int16Array) for (let i = from, o = 0; i < end; i++, o++) into[o] = stored[i];
  else if (stored instanceof Uint16Array) for (let i = from, o = 0; i < end; i++, o++) into[o] = stored[i];
  else if (stored instanceof Uint8Array) for (let i = from, o = 0; i < end; i++, o++) into[o] = stored[i];
  else for (let i = from, o = 0; i < end; i++, o++) into[o] = stored[i];
  if (volume.planeScaling) scaleByPlane(volume, from, into);
  else if (slope !== 1 || intercept !== 0) for (let o = 0; o < into.length; o++) into[o] = into[o] * slope + intercept;
  return into;
}

/** Each run of values that lies in one k-plane scaled by that plane's slope and intercept. */
function scaleByPlane(volume: ScalarVolume, from: number, into: Float32Array): void {
  const { slopes, intercepts } = volume.planeScaling!;
  const plane = volume.dims[0] * volume.dims[1];
  for (let o = 0; o < into.length;) {
    const k = Math.floor((from + o) / plane);
    const end = Math.min(into.length, (k + 1) * plane - from);
    const slope = slopes[k], intercept = intercepts[k];
    for (; o < end; o++) into[o] = into[o] * slope + intercept;
  }
}

/** Values read a plane (or a few) at a time, handing the event loop back between them so other requests are answered. */
export async function forEachChunk(volume: ScalarVolume, visit: (values: Float32Array, from: number) => void, chunkVoxels = 1 << 18): Promise<void> {
  const total = volume.stored.length;
  const scratch = new Float32Array(Math.min(chunkVoxels, total));
  for (let from = 0; from < total; from += scratch.length) {
    const values = from + scratch.length <= total ? scratch : scratch.subarray(0, total - from);
    visit(readValues(volume, from, values), from);
    if (from + scratch.length < total) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Every value as float32: a whole copy, for tools and tests on small volumes (labels), never on the request path. */
export function allValues(volume: ScalarVolume): Float32Array {
  return readValues(volume, 0, new Float32Array(volume.stored.length));
}
