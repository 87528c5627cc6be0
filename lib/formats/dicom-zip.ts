import yauzl from 'yauzl';
import { isUploadError, UploadError } from '../errors';
import { megabytes } from '../format';
import { MAX_DICOM_FILE_BYTES, MAX_VOLUME_DECOMPRESSED_BYTES, MAX_ZIP_ENTRIES } from '../limits';
import type { Reservation } from '../runtime/memory-budget';

// A .zip of a DICOM series, unpacked in memory (nothing is written to disk) under the volume's byte limits: the entry
// count and every entry's declared size are checked and their sum admitted by the memory budget before anything is
// inflated, and yauzl checks that no entry inflates to more than it declared. A zip bomb stops at the first check.

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));
}

/** Folders, macOS resource forks, hidden files and the DICOMDIR index: not slices, left in the zip. */
function isClutter(fileName: string): boolean {
  const base = fileName.split('/').pop() ?? '';
  return fileName.endsWith('/') || fileName.startsWith('__MACOSX/') || base.startsWith('.') || base.toUpperCase() === 'DICOMDIR';
}

const damaged = (label: string) => new UploadError(`${label} is a damaged or unreadable .zip file.`, 400);

/** Every zip error that is not already ours becomes "damaged": yauzl's messages carry entry names, which are not echoed. */
function asUploadError(error: unknown, label: string): UploadError {
  return isUploadError(error) ? error : damaged(label);
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, out: Uint8Array, label: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream) return reject(asUploadError(error, label));
      let filled = 0;
      stream.on('data', (chunk: Buffer) => {
        if (filled + chunk.length > out.length) {
          stream.destroy();
          return reject(damaged(label));
        }
        out.set(chunk, filled);
        filled += chunk.length;
      });
      stream.on('error', (streamError) => reject(asUploadError(streamError, label)));
      stream.on('end', () => (filled === out.length ? resolve(out) : reject(damaged(label))));
    });
  });
}

/**
 * The files in a zip, as bytes, with the memory they take reserved before any is inflated. They lie one after another
 * in one buffer of their own, so that a series can be stacked in it without a second copy.
 */
export async function unzipFiles(bytes: Uint8Array, label: string, memory?: Reservation): Promise<Uint8Array[]> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), {
      lazyEntries: true, autoClose: false, validateEntrySizes: true, decodeStrings: true, strictFileNames: false,
    });
  } catch (error) {
    throw asUploadError(error, label);
  }
  try {
    if (zip.entryCount > MAX_ZIP_ENTRIES) throw new UploadError(`${label} holds ${zip.entryCount.toLocaleString('en')} entries; the limit is ${MAX_ZIP_ENTRIES.toLocaleString('en')}.`, 413);
    const entries: yauzl.Entry[] = [];
    let total = 0;
    try {
      for await (const entry of zip.eachEntry()) {
        if (isClutter(entry.fileName)) continue;
        const what = `Entry ${entries.length + 1} of ${label.replace(/^The /, 'the ')}`;
        if (entry.isEncrypted()) throw new UploadError(`${what} is encrypted; zip the series without a password.`, 415);
        if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
          throw new UploadError(`${what} is packed with compression method ${entry.compressionMethod}; use a plain .zip (stored or deflate).`, 415);
        }
        if (entry.uncompressedSize > MAX_DICOM_FILE_BYTES) {
          throw new UploadError(`${what} unpacks to ${megabytes(entry.uncompressedSize)}; one DICOM file may be at most ${megabytes(MAX_DICOM_FILE_BYTES)}.`, 413);
        }
        total += entry.uncompressedSize;
        if (total > MAX_VOLUME_DECOMPRESSED_BYTES) {
          throw new UploadError(`${label} unpacks to more than ${megabytes(MAX_VOLUME_DECOMPRESSED_BYTES)}, the limit for one volume.`, 413);
        }
        entries.push(entry);
      }
    } catch (error) {
      throw asUploadError(error, label);
    }
    if (entries.length === 0) throw new UploadError(`${label} holds no files.`, 422);
    memory?.grow(total);
    const unpacked = new Uint8Array(total);
    const files: Uint8Array[] = [];
    let at = 0;
    for (const entry of entries) {
      files.push(await readEntry(zip, entry, unpacked.subarray(at, at + entry.uncompressedSize), label));
      at += entry.uncompressedSize;
    }
    return files;
  } finally {
    zip.close();
  }
}
