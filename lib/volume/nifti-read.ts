import { gunzipSync } from 'node:zlib';
import * as nifti from 'nifti-reader-js';
import { UploadError } from '../errors';
import { MAX_VOLUME_DECOMPRESSED_BYTES, MAX_VOLUME_SIDE, MAX_VOLUME_VOXELS } from '../limits';

// The only module that imports nifti-reader-js: bytes of a .nii or .nii.gz -> a checked volume in plain arrays.

export type NiftiDatatype = 'uint8' | 'int16' | 'uint16' | 'float32' | 'float64';
export type AffineSource = 'sform' | 'qform' | 'pixdim';
export type Affine = number[][];

export interface NiftiVolume {
  /** Voxels along i, j, k. */
  dims: [number, number, number];
  spacingMm: [number, number, number];
  /** Voxel (i, j, k) -> patient mm (RAS+): the sform when sform_code > 0, else the qform, else pixdim alone. */
  affine: Affine;
  affineSource: AffineSource;
  datatype: NiftiDatatype;
  /** Values after scl_slope / scl_inter, i fastest then j then k. */
  voxels: Float32Array;
  /** The 348 header bytes as uploaded: a mask written on the same grid copies them. */
  header: Uint8Array;
  littleEndian: boolean;
}

const HEADER_BYTES = 348;
const FIRST_VOXEL_OFFSET = 352;

const datatypes: Record<number, { name: NiftiDatatype; bits: number }> = {
  2: { name: 'uint8', bits: 8 },
  4: { name: 'int16', bits: 16 },
  512: { name: 'uint16', bits: 16 },
  16: { name: 'float32', bits: 32 },
  64: { name: 'float64', bits: 64 },
};

const unsupportedDatatypes: Record<number, string> = {
  1: 'single bits', 8: 'int32', 32: 'complex numbers', 128: 'RGB colour', 256: 'int8', 768: 'uint32',
  1024: 'int64', 1280: 'uint64', 1536: 'float128', 1792: 'complex numbers', 2048: 'complex numbers', 2304: 'RGBA colour',
};

const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** .nii.gz -> .nii bytes, stopping at the decompressed limit so a small bomb cannot fill the memory. */
export function gunzipVolume(bytes: Uint8Array, label: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_VOLUME_DECOMPRESSED_BYTES });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      throw new UploadError(`${label} unpacks to more than ${megabytes(MAX_VOLUME_DECOMPRESSED_BYTES)}; the limit is ${megabytes(MAX_VOLUME_DECOMPRESSED_BYTES)} uncompressed.`, 413);
    }
    throw new UploadError(`${label} is a damaged or cut-off .gz file; it could not be unpacked.`, 400);
  }
}

/** An ArrayBuffer holding exactly these bytes, without a copy when the view already covers its whole buffer. */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  return new Uint8Array(bytes).buffer; // a copy: Buffer.slice would be a view into Node's shared pool
}

function checkKind(data: ArrayBuffer, bytes: Uint8Array, label: string): void {
  if (bytes.length === 0) throw new UploadError(`${label} is empty.`, 400);
  if (nifti.isNIFTI1(data)) return;
  if (nifti.isNIFTI2(data)) throw new UploadError(`${label} is NIfTI-2. Save it as NIfTI-1 (.nii or .nii.gz) and try again.`, 415);
  if (nifti.isNIFTI1(data, true)) {
    throw new UploadError(`${label} is the header of a .hdr/.img pair. Save the volume as one .nii or .nii.gz file.`, 415);
  }
  const picture = bytes[0] === 0x89 && bytes[1] === 0x50 ? 'a PNG image' : bytes[0] === 0xff && bytes[1] === 0xd8 ? 'a JPEG image' : null;
  if (picture) throw new UploadError(`${label} is ${picture}, not a NIfTI-1 volume. Analyse single slices on the slice page (/predict).`, 415);
  if (bytes.length < HEADER_BYTES) throw new UploadError(`${label} is too short to be a NIfTI volume (${bytes.length} bytes); it may be cut off.`, 400);
  throw new UploadError(`${label} is not a NIfTI-1 volume. Upload a .nii or .nii.gz file.`, 415);
}

/** NIfTI's world is RAS+ in millimetres; the mask keeps the same grid, so only directions and sizes matter here. */
function unitToMm(xyztUnits: number): number {
  const spatial = xyztUnits & 0x07;
  if (spatial === 1) return 1000; // metres
  if (spatial === 3) return 0.001; // micrometres
  return 1; // millimetres, or unknown (read as millimetres, as most tools do)
}

function isUsable(affine: Affine): boolean {
  const [a, b, c] = [0, 1, 2].map((col) => [affine[0][col], affine[1][col], affine[2][col]]);
  const determinant = a[0] * (b[1] * c[2] - b[2] * c[1]) - b[0] * (a[1] * c[2] - a[2] * c[1]) + c[0] * (a[1] * b[2] - a[2] * b[1]);
  return affine.flat().every(Number.isFinite) && Math.abs(determinant) > 1e-9;
}

/** sform if sform_code > 0, else qform if qform_code > 0, else the voxel sizes alone (NIfTI-1 methods 3, 2, 1). */
function chooseAffine(header: nifti.NIFTI1, data: ArrayBuffer): { affine: Affine; source: AffineSource } {
  if (header.sform_code > 0) {
    // nifti-reader-js prefers a qform with a higher code, so read srow_x/y/z (bytes 280-327) as the spec orders
    const view = new DataView(data);
    const rows = [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => view.getFloat32(280 + (r * 4 + c) * 4, header.littleEndian)));
    const affine = [...rows, [0, 0, 0, 1]];
    if (isUsable(affine)) return { affine, source: 'sform' };
  }
  if (header.qform_code > 0) {
    const affine = header.getQformMat();
    if (isUsable(affine)) return { affine, source: 'qform' };
  }
  const [dx, dy, dz] = [1, 2, 3].map((d) => Math.abs(header.pixDims[d]) || 1);
  return { affine: [[dx, 0, 0, 0], [0, dy, 0, 0], [0, 0, dz, 0], [0, 0, 0, 1]], source: 'pixdim' };
}

function checkGrid(header: nifti.NIFTI1, label: string): [number, number, number] {
  const rank = header.dims[0];
  if (rank < 1 || rank > 7) throw new UploadError(`${label} has a damaged header (dim[0] = ${rank}).`, 400);
  const extra = header.dims.slice(4, rank + 1).filter((n) => n > 1);
  if (extra.length) {
    throw new UploadError(`${label} holds ${extra.reduce((a, b) => a * b, 1)} volumes (a 4D series). Upload one 3D volume.`, 422);
  }
  const dims = [1, 2, 3].map((d) => (d <= rank ? header.dims[d] : 1)) as [number, number, number];
  if (dims.some((n) => n < 1)) throw new UploadError(`${label} has a damaged header: its size is ${dims.join('×')}.`, 400);
  if (dims.some((n) => n > MAX_VOLUME_SIDE) || dims[0] * dims[1] * dims[2] > MAX_VOLUME_VOXELS) {
    throw new UploadError(`${label} is ${dims.join('×')} voxels; the limit is ${MAX_VOLUME_SIDE} a side and ${MAX_VOLUME_VOXELS.toLocaleString('en')} in all.`, 413);
  }
  return dims;
}

function checkDatatype(header: nifti.NIFTI1, label: string) {
  const type = datatypes[header.datatypeCode];
  if (!type) {
    const name = unsupportedDatatypes[header.datatypeCode] ?? `code ${header.datatypeCode}`;
    throw new UploadError(`${label} stores its voxels as ${name}; supported are uint8, int16, uint16, float32 and float64.`, 415);
  }
  if (header.numBitsPerVoxel !== type.bits) {
    throw new UploadError(`${label} has a damaged header: datatype ${type.name} but ${header.numBitsPerVoxel} bits per voxel.`, 400);
  }
  return type;
}

/** Voxel bytes in the file's byte order -> scaled float32 values (scl_slope 0 means unscaled, as the spec says). */
function toValues(raw: ArrayBuffer, count: number, type: NiftiDatatype, littleEndian: boolean, slope: number, intercept: number): Float32Array {
  const view = new DataView(raw);
  const values = type === 'float32' && littleEndian ? new Float32Array(raw, 0, count) : new Float32Array(count);
  if (!(type === 'float32' && littleEndian)) {
    const read: (i: number) => number = {
      uint8: (i: number) => view.getUint8(i),
      int16: (i: number) => view.getInt16(i * 2, littleEndian),
      uint16: (i: number) => view.getUint16(i * 2, littleEndian),
      float32: (i: number) => view.getFloat32(i * 4, littleEndian),
      float64: (i: number) => view.getFloat64(i * 8, littleEndian),
    }[type];
    for (let i = 0; i < count; i++) values[i] = read(i);
  }
  const scaled = Number.isFinite(slope) && slope !== 0 && !(slope === 1 && (intercept === 0 || !Number.isFinite(intercept)));
  if (scaled) {
    const offset = Number.isFinite(intercept) ? intercept : 0;
    for (let i = 0; i < count; i++) values[i] = values[i] * slope + offset;
  }
  return values;
}

/**
 * The 348 header bytes and an extension flag of zero, for nifti-reader-js to parse. Its extension walk trusts every
 * size it reads (a size of -16 loops forever), and the app needs no extension, so the library never sees one.
 */
function checkedHeaderCopy(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(FIRST_VOXEL_OFFSET);
  copy.set(bytes.subarray(0, HEADER_BYTES));
  return copy.buffer;
}

/** A .nii or .nii.gz upload -> a 3D volume, or an UploadError that says what is wrong with the file. */
export function readNiftiVolume(upload: Uint8Array, label = 'The volume'): NiftiVolume {
  const bytes = gunzipVolume(upload, label);
  const data = ownBuffer(bytes);
  checkKind(data, bytes, label);
  let header: nifti.NIFTI1;
  try {
    header = nifti.readHeader(checkedHeaderCopy(bytes)) as nifti.NIFTI1;
  } catch {
    throw new UploadError(`${label} has a NIfTI header that could not be read.`, 400);
  }
  const dims = checkGrid(header, label);
  const type = checkDatatype(header, label);
  const offset = Math.round(header.vox_offset);
  if (!Number.isFinite(header.vox_offset) || offset < FIRST_VOXEL_OFFSET) {
    throw new UploadError(`${label} has a damaged header: the voxels would start at byte ${header.vox_offset}.`, 400);
  }
  const count = dims[0] * dims[1] * dims[2];
  const needed = offset + (count * type.bits) / 8;
  if (bytes.length < needed) {
    throw new UploadError(`${label} is cut off: a ${dims.join('×')} ${type.name} volume needs ${needed.toLocaleString('en')} bytes but the file has ${bytes.length.toLocaleString('en')}.`, 400);
  }
  const toMm = unitToMm(header.xyzt_units);
  const spacingMm = [1, 2, 3].map((d) => Math.abs(header.pixDims[d]) * toMm) as [number, number, number];
  if (spacingMm.some((s) => !Number.isFinite(s) || s <= 0 || s > 100)) {
    throw new UploadError(`${label} gives no usable voxel size (pixdim ${header.pixDims.slice(1, 4).join(', ')}), so the tumour volume cannot be measured.`, 422);
  }
  const { affine, source } = chooseAffine(header, data);
  const raw = data.slice(offset, offset + (count * type.bits) / 8);
  return {
    dims,
    spacingMm,
    affine,
    affineSource: source,
    datatype: type.name,
    voxels: toValues(raw, count, type.name, header.littleEndian, header.scl_slope, header.scl_inter),
    header: new Uint8Array(bytes.subarray(0, HEADER_BYTES)),
    littleEndian: header.littleEndian,
  };
}
