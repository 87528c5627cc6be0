import { createGunzip } from 'node:zlib';
import { isUploadError, UploadError } from '../errors';

// .nii.gz unpacked in zlib's thread pool, never on the event loop, and never past the bytes the header asked for.

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The first `wanted` unpacked bytes into a buffer of exactly that size (fewer if the stream ends first). Unpacking
 * stops there: a bomb can never make more than was asked for. Concatenated gzip members unpack as one stream.
 */
export function gunzipPrefix(packed: Uint8Array, wanted: number, label: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const out = new Uint8Array(wanted);
    let filled = 0;
    let settled = false;
    const gunzip = createGunzip({ chunkSize: 256 * 1024 });
    const finish = (result: Uint8Array | UploadError) => {
      if (settled) return;
      settled = true;
      gunzip.destroy();
      if (isUploadError(result)) reject(result);
      else resolve(result);
    };
    gunzip.on('data', (chunk: Buffer) => {
      const take = Math.min(chunk.length, wanted - filled);
      out.set(chunk.subarray(0, take), filled);
      filled += take;
      if (filled >= wanted) finish(out);
    });
    gunzip.on('end', () => finish(out.subarray(0, filled)));
    // an error after the wanted bytes (a missing trailer) does not matter: unpacking has already stopped
    gunzip.on('error', () => finish(new UploadError(`${label} is a damaged or cut-off .gz file; it could not be unpacked.`, 400)));
    gunzip.end(packed);
  });
}
