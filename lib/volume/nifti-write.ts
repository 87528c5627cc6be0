import { gzipSync } from 'node:zlib';
import type { NiftiVolume } from './nifti-read';

// The predicted mask as a .nii.gz on the upload's grid: the input header copied, with only the fields a uint8 0/1 mask changes.

const HEADER_BYTES = 348;
const VOXEL_OFFSET = 352; // the header plus the 4 extension bytes, all zero: no extensions
const DESCRIPTION = 'predicted tumour mask (1 = tumour)';

export type MaskGrid = Pick<NiftiVolume, 'dims' | 'header' | 'littleEndian'>;

function maskHeader(grid: MaskGrid): Uint8Array {
  const bytes = new Uint8Array(VOXEL_OFFSET);
  bytes.set(grid.header.subarray(0, HEADER_BYTES));
  const view = new DataView(bytes.buffer);
  const le = grid.littleEndian;
  // dim[0..7]: a 3D grid of the input's size (qform, sform and pixdim are left exactly as uploaded)
  [3, ...grid.dims, 1, 1, 1, 1].forEach((n, d) => view.setInt16(40 + d * 2, n, le));
  view.setInt16(68, 0, le); // intent_code: none
  view.setInt16(70, 2, le); // datatype: uint8
  view.setInt16(72, 8, le); // bitpix
  view.setFloat32(108, VOXEL_OFFSET, le);
  view.setFloat32(112, 1, le); // scl_slope
  view.setFloat32(116, 0, le); // scl_inter
  view.setFloat32(124, 1, le); // cal_max: viewers show 0..1
  view.setFloat32(128, 0, le); // cal_min
  bytes.fill(0, 148, 228);
  bytes.set(new TextEncoder().encode(DESCRIPTION), 148);
  bytes.fill(0, 328, 344); // intent_name
  bytes.set([0x6e, 0x2b, 0x31, 0], 344); // magic "n+1": header and voxels in one file
  return bytes;
}

/** A 0/1 (or 0/255) mask in the volume's voxel order -> gzipped NIfTI-1 bytes, uint8 0/1. */
export function writeNiftiMask(grid: MaskGrid, mask: Uint8Array): Uint8Array {
  const count = grid.dims[0] * grid.dims[1] * grid.dims[2];
  if (mask.length !== count) throw new Error(`mask has ${mask.length} voxels, the grid ${count}`);
  const file = new Uint8Array(VOXEL_OFFSET + count);
  file.set(maskHeader(grid));
  for (let i = 0; i < count; i++) file[VOXEL_OFFSET + i] = mask[i] ? 1 : 0;
  return gzipSync(file, { level: 6 });
}
