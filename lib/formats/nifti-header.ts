import * as nifti from 'nifti-reader-js';
import { UploadError } from '../errors';
import { megabytes } from '../format';
import { MAX_VOLUME_DECOMPRESSED_BYTES, MAX_VOLUME_SIDE, MAX_VOLUME_VOXELS } from '../limits';
import { bytesPerVoxel, type Affine, type GeometrySource, type VoxelType } from '../volume/scalar-volume';

// A NIfTI-1 header checked by us, with a bound on every size and offset, before nifti-reader-js parses a copy of it.

export const HEADER_BYTES = 348;
export const FIRST_VOXEL_OFFSET = 352;

export interface NiftiHeader {
  dims: [number, number, number];
  datatype: VoxelType;
  littleEndian: boolean;
  /** Where the voxels start and how many bytes they take. */
  voxOffset: number;
  dataBytes: number;
  spacingMm: [number, number, number];
  affine: Affine;
  affineSource: Exclude<GeometrySource, 'dicom'>;
  slope: number;
  intercept: number;
  /** The 348 header bytes as uploaded. */
  bytes: Uint8Array;
}

// int32 is read for masks and label maps, which tools often write so: the volume guard then refuses them by name
const datatypes: Record<number, VoxelType> = { 2: 'uint8', 4: 'int16', 512: 'uint16', 8: 'int32', 16: 'float32', 64: 'float64' };

const unsupportedDatatypes: Record<number, string> = {
  1: 'single bits', 32: 'complex numbers', 128: 'RGB colour', 256: 'int8', 768: 'uint32',
  1024: 'int64', 1280: 'uint64', 1536: 'float128', 1792: 'complex numbers', 2048: 'complex numbers', 2304: 'RGBA colour',
};

function checkKind(bytes: Uint8Array, label: string): boolean {
  if (bytes.length === 0) throw new UploadError(`${label} is empty.`, 400);
  const picture = bytes[0] === 0x89 && bytes[1] === 0x50 ? 'a PNG image' : bytes[0] === 0xff && bytes[1] === 0xd8 ? 'a JPEG image' : null;
  if (picture) throw new UploadError(`${label} is ${picture}, not a NIfTI-1 volume. Analyse single slices on the slice page (/predict).`, 415);
  if (bytes.length < HEADER_BYTES) throw new UploadError(`${label} is too short to be a NIfTI volume (${bytes.length} bytes); it may be cut off.`, 400);
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const sizeLe = view.getInt32(0, true), sizeBe = view.getInt32(0, false);
  if (sizeLe === 540 || sizeBe === 540) throw new UploadError(`${label} is NIfTI-2. Save it as NIfTI-1 (.nii or .nii.gz) and try again.`, 415);
  const magic = String.fromCharCode(bytes[344], bytes[345], bytes[346]);
  if ((sizeLe === 348 || sizeBe === 348) && magic === 'ni1') {
    throw new UploadError(`${label} is the header of a .hdr/.img pair. Save the volume as one .nii or .nii.gz file.`, 415);
  }
  if ((sizeLe !== 348 && sizeBe !== 348) || magic !== 'n+1' || bytes[347] !== 0) {
    throw new UploadError(`${label} is not a NIfTI-1 volume or a DICOM series. Upload a .nii or .nii.gz file, or the .dcm files (or a .zip) of one DICOM series.`, 415);
  }
  return sizeLe === 348;
}

function checkGrid(view: DataView, le: boolean, label: string): [number, number, number] {
  const rank = view.getInt16(40, le);
  if (rank < 1 || rank > 7) throw new UploadError(`${label} has a damaged header (dim[0] = ${rank}).`, 400);
  const dim = (d: number) => (d <= rank ? view.getInt16(40 + d * 2, le) : 1); // sizes past the rank are not part of the grid
  const sizes = [1, 2, 3, 4, 5, 6, 7].map(dim);
  if (sizes.some((n) => n < 1)) throw new UploadError(`${label} has a damaged header: its size is ${sizes.slice(0, Math.max(3, rank)).join('×')}.`, 400);
  const extra = sizes.slice(3).filter((n) => n > 1);
  if (extra.length) throw new UploadError(`${label} holds ${extra.reduce((a, b) => a * b, 1)} volumes (a 4D series). Upload one 3D volume.`, 422);
  const dims = sizes.slice(0, 3) as [number, number, number];
  if (dims.some((n) => n > MAX_VOLUME_SIDE) || dims[0] * dims[1] * dims[2] > MAX_VOLUME_VOXELS) {
    throw new UploadError(`${label} is ${dims.join('×')} voxels; the limit is ${MAX_VOLUME_SIDE} a side and ${MAX_VOLUME_VOXELS.toLocaleString('en')} in all.`, 413);
  }
  return dims;
}

function checkDatatype(view: DataView, le: boolean, label: string): VoxelType {
  const code = view.getInt16(70, le);
  const type = datatypes[code];
  if (!type) {
    throw new UploadError(`${label} stores its voxels as ${unsupportedDatatypes[code] ?? `code ${code}`}; supported are uint8, int16, uint16, int32, float32 and float64.`, 415);
  }
  const bits = view.getInt16(72, le);
  if (bits !== bytesPerVoxel[type] * 8) throw new UploadError(`${label} has a damaged header: datatype ${type} but ${bits} bits per voxel.`, 400);
  return type;
}

/** NIfTI's world is RAS+ in millimetres; only directions and sizes matter for slicing and volumes. */
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
function chooseAffine(view: DataView, le: boolean, spacingMm: number[]): { affine: Affine; source: NiftiHeader['affineSource'] } {
  if (view.getInt16(254, le) > 0) {
    const rows = [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => view.getFloat32(280 + (r * 4 + c) * 4, le)));
    const affine = [...rows, [0, 0, 0, 1]];
    if (isUsable(affine)) return { affine, source: 'sform' };
  }
  if (view.getInt16(252, le) > 0) {
    // nifti-reader-js turns the quaternion into a matrix; it sees a copy of the checked header with no extension flag,
    // because its extension walk trusts every size it reads (a size of -16 looped forever)
    const copy = new Uint8Array(FIRST_VOXEL_OFFSET);
    copy.set(new Uint8Array(view.buffer, view.byteOffset, HEADER_BYTES));
    const header = nifti.readHeader(copy.buffer) as nifti.NIFTI1;
    const affine = header.getQformMat();
    if (isUsable(affine)) return { affine, source: 'qform' };
  }
  const [dx, dy, dz] = spacingMm;
  return { affine: [[dx, 0, 0, 0], [0, dy, 0, 0], [0, 0, dz, 0], [0, 0, 0, 1]], source: 'pixdim' };
}

/** The first bytes of a .nii (at least 348) -> a checked header, or an UploadError that says what is wrong. */
export function readNiftiHeader(bytes: Uint8Array, label: string): NiftiHeader {
  const le = checkKind(bytes, label);
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const dims = checkGrid(view, le, label);
  const datatype = checkDatatype(view, le, label);
  const voxOffset = view.getFloat32(108, le);
  const dataBytes = dims[0] * dims[1] * dims[2] * bytesPerVoxel[datatype];
  if (!Number.isInteger(voxOffset) || voxOffset < FIRST_VOXEL_OFFSET || voxOffset > MAX_VOLUME_DECOMPRESSED_BYTES) {
    throw new UploadError(`${label} has a damaged header: the voxels would start at byte ${voxOffset}.`, 400);
  }
  if (voxOffset + dataBytes > MAX_VOLUME_DECOMPRESSED_BYTES) {
    throw new UploadError(`${label} holds ${megabytes(voxOffset + dataBytes)} of voxels (${dims.join('×')} ${datatype}); the limit is ${megabytes(MAX_VOLUME_DECOMPRESSED_BYTES)}.`, 413);
  }
  const toMm = unitToMm(view.getUint8(123));
  const pixdims = [1, 2, 3].map((d) => view.getFloat32(76 + d * 4, le));
  const spacingMm = pixdims.map((p) => Math.abs(p) * toMm) as [number, number, number];
  if (spacingMm.some((s) => !Number.isFinite(s) || s <= 0 || s > 100)) {
    throw new UploadError(`${label} gives no usable voxel size (pixdim ${pixdims.join(', ')}), so the tumour volume cannot be measured.`, 422);
  }
  const { affine, source } = chooseAffine(view, le, spacingMm);
  const rawSlope = view.getFloat32(112, le), rawIntercept = view.getFloat32(116, le);
  // scl_slope 0 (or not a number) means unscaled, as the spec says
  const scaled = Number.isFinite(rawSlope) && rawSlope !== 0;
  return {
    dims, datatype, littleEndian: le, voxOffset, dataBytes, spacingMm, affine, affineSource: source,
    slope: scaled ? rawSlope : 1,
    intercept: scaled && Number.isFinite(rawIntercept) ? rawIntercept : 0,
    bytes: new Uint8Array(bytes.subarray(0, HEADER_BYTES)),
  };
}
