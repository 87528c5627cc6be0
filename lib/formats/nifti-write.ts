import { createGzip } from 'node:zlib';
import { FIRST_VOXEL_OFFSET, HEADER_BYTES } from './nifti-header';
import type { Affine, VolumeGeometry } from '../volume/scalar-volume';

// The predicted mask as a .nii.gz on the upload's grid: a NIfTI upload's header copied with only the fields a uint8 0/1
// mask changes; for other sources (DICOM) a new header whose sform is the volume's affine. The viewer's 8-bit display
// copy of a scan is written the same way, with its own display range and description.

const MASK: Uint8Content = { description: 'predicted tumour mask (1 = tumour)', calMax: 1 };

/** What the uint8 voxels are: a header's description and the top of its display range (cal_max). */
interface Uint8Content {
  description: string;
  calMax: number;
}

export type MaskGrid = Pick<VolumeGeometry, 'dims' | 'spacingMm' | 'affine' | 'niftiHeader'>;

function newHeader(spacingMm: [number, number, number], affine: Affine): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, HEADER_BYTES, true);
  view.setFloat32(76, 1, true); // qfac
  spacingMm.forEach((s, d) => view.setFloat32(80 + d * 4, s, true));
  view.setUint8(123, 2); // millimetres
  view.setInt16(254, 1, true); // sform_code: scanner anatomical
  affine.slice(0, 3).flat().forEach((v, n) => view.setFloat32(280 + n * 4, v, true));
  return bytes;
}

function uint8Header(grid: MaskGrid, content: Uint8Content): Uint8Array {
  const bytes = new Uint8Array(FIRST_VOXEL_OFFSET);
  bytes.set(grid.niftiHeader ? grid.niftiHeader.bytes.subarray(0, HEADER_BYTES) : newHeader(grid.spacingMm, grid.affine));
  const view = new DataView(bytes.buffer);
  const le = grid.niftiHeader ? grid.niftiHeader.littleEndian : true;
  // dim[0..7]: a 3D grid of the input's size (qform, sform and pixdim are left exactly as uploaded)
  [3, ...grid.dims, 1, 1, 1, 1].forEach((n, d) => view.setInt16(40 + d * 2, n, le));
  view.setInt16(68, 0, le); // intent_code: none
  view.setInt16(70, 2, le); // datatype: uint8
  view.setInt16(72, 8, le); // bitpix
  view.setFloat32(108, FIRST_VOXEL_OFFSET, le);
  view.setFloat32(112, 1, le); // scl_slope
  view.setFloat32(116, 0, le); // scl_inter
  view.setFloat32(124, content.calMax, le); // viewers show 0..cal_max
  view.setFloat32(128, 0, le); // cal_min
  bytes.fill(0, 148, 228);
  bytes.set(new TextEncoder().encode(content.description), 148);
  bytes.fill(0, 328, 344); // intent_name
  bytes.set([0x6e, 0x2b, 0x31, 0], 344); // magic "n+1": header and voxels in one file
  return bytes;
}

/**
 * A 0/1 mask, as the volume's k-planes in order (or one array in voxel order) -> gzipped NIfTI-1 bytes, uint8.
 * Compressed in zlib's threads a plane at a time; a plane buffer may be reused as soon as the next is asked for.
 */
export function writeNiftiMask(grid: MaskGrid, mask: Uint8Array | Iterable<Uint8Array>): Promise<Buffer> {
  return writeNiftiUint8(grid, mask, MASK);
}

/** Any uint8 volume, as `writeNiftiMask` writes a mask; `content` names it in the header. */
export async function writeNiftiUint8(grid: MaskGrid, voxels: Uint8Array | Iterable<Uint8Array>, content: Uint8Content): Promise<Buffer> {
  const count = grid.dims[0] * grid.dims[1] * grid.dims[2];
  const gzip = createGzip({ level: 6 });
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    gzip.on('end', resolve);
    gzip.on('error', reject);
  });
  const written = (data: Uint8Array) => new Promise<void>((resolve, reject) => gzip.write(data, (error) => (error ? reject(error) : resolve())));
  await written(uint8Header(grid, content));
  let voxelCount = 0;
  for (const plane of voxels instanceof Uint8Array ? [voxels] : voxels) {
    await written(new Uint8Array(plane)); // zlib keeps a reference until it has read the bytes
    voxelCount += plane.length;
  }
  if (voxelCount !== count) throw new Error(`${content.description}: ${voxelCount} voxels, the grid ${count}`);
  gzip.end();
  await ended;
  return Buffer.concat(chunks);
}
