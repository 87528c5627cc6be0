import { UploadError } from '../errors';
import { gunzipPrefix, isGzip } from './gunzip';
import { FIRST_VOXEL_OFFSET, readNiftiHeader, type NiftiHeader } from './nifti-header';
import { bytesPerVoxel, storedView, type ScalarVolume, type StoredVoxels } from '../volume/scalar-volume';

// A .nii or .nii.gz upload -> a ScalarVolume, in two steps so that memory is admitted from the header before unpacking.

export interface OpenedNifti {
  header: NiftiHeader;
  /** Bytes the read will allocate beyond the upload itself: the unpacked file, or a copy when the voxels are unaligned. */
  readBytes: number;
  read(): Promise<ScalarVolume>;
}

function isNativeView(bytes: Uint8Array, header: NiftiHeader): boolean {
  return header.littleEndian && (bytes.byteOffset + header.voxOffset) % bytesPerVoxel[header.datatype] === 0;
}

/** Big-endian voxels swapped into native order, in place: the bytes are ours (unpacked or copied). */
function swapBytes(bytes: Uint8Array, width: number): void {
  if (width === 1) return;
  for (let i = 0; i + width <= bytes.length; i += width) {
    for (let a = i, b = i + width - 1; a < b; a++, b--) [bytes[a], bytes[b]] = [bytes[b], bytes[a]];
  }
}

function toStored(bytes: Uint8Array, header: NiftiHeader, owned: boolean, label: string): StoredVoxels {
  const needed = header.voxOffset + header.dataBytes;
  if (bytes.length < needed) {
    throw new UploadError(`${label} is cut off: a ${header.dims.join('×')} ${header.datatype} volume needs ${needed.toLocaleString('en')} bytes but the file has ${bytes.length.toLocaleString('en')}.`, 400);
  }
  const count = header.dims[0] * header.dims[1] * header.dims[2];
  if (isNativeView(bytes, header)) return storedView(header.datatype, bytes.buffer as ArrayBuffer, bytes.byteOffset + header.voxOffset, count);
  const voxels = owned && (bytes.byteOffset + header.voxOffset) % bytesPerVoxel[header.datatype] === 0
    ? bytes.subarray(header.voxOffset, needed)
    : new Uint8Array(bytes.subarray(header.voxOffset, needed)); // an aligned copy of our own
  if (!header.littleEndian) swapBytes(voxels, bytesPerVoxel[header.datatype]);
  return storedView(header.datatype, voxels.buffer as ArrayBuffer, voxels.byteOffset, count);
}

/** Reads the header (unpacking no more than its first bytes) and says what reading the voxels will cost. */
export async function openNifti(upload: Uint8Array, label = 'The volume'): Promise<OpenedNifti> {
  const packed = isGzip(upload);
  const header = readNiftiHeader(packed ? await gunzipPrefix(upload, FIRST_VOXEL_OFFSET, label) : upload, label);
  const needed = header.voxOffset + header.dataBytes;
  const readBytes = packed ? needed : isNativeView(upload, header) ? 0 : header.dataBytes;
  return {
    header,
    readBytes,
    async read() {
      const bytes = packed ? await gunzipPrefix(upload, needed, label) : upload;
      return {
        dims: header.dims,
        spacingMm: header.spacingMm,
        affine: header.affine,
        affineSource: header.affineSource,
        datatype: header.datatype,
        stored: toStored(bytes, header, packed, label),
        slope: header.slope,
        intercept: header.intercept,
        niftiHeader: { bytes: header.bytes, littleEndian: header.littleEndian },
      };
    },
  };
}

export async function readNiftiVolume(upload: Uint8Array, label = 'The volume'): Promise<ScalarVolume> {
  return (await openNifti(upload, label)).read();
}
