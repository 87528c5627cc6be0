import { CodecFailure, decodeFrame, FRAME_DECODE_LIMIT_MS } from '../codecs/codec-thread';
import { UploadError } from '../errors';
import { checkCodestream } from './codestream-header';
import { nativePixels, type DicomImageHeader } from './dicom-file';
import { codestream } from './dicom-fragments';
import { decodeRleFrame } from './dicom-rle';

// One frame's stored pixels, whatever the transfer syntax: native bytes copied, RLE unpacked here, the other
// compressed syntaxes decoded by the codec thread after their codestream's own header agreed with the data set's.

type StoredPixels = Uint8Array | Uint16Array | Int16Array;

/** The codec's working memory for one frame, in frame sizes: its codestream and output buffers, and the copies out. */
export const CODEC_SCRATCH_FRAMES = 4;

/**
 * The pixels of a one-frame header (a classic image, or one frame of an Enhanced MR file) into `into`, typed as the
 * header says, native byte order, unused high bits cleared or sign-filled. `label` names the file by its position.
 */
export async function readFramePixels(header: DicomImageHeader, into: StoredPixels, label: string): Promise<void> {
  const bytes = new Uint8Array(into.buffer, into.byteOffset, into.byteLength);
  const { syntax } = header;
  if (!header.frameRanges) {
    bytes.set(header.pixelSource.subarray(header.pixelOffset, header.pixelOffset + bytes.length));
    return nativePixels(header, into);
  }
  const stream = codestream(header.pixelSource, header.frameRanges[0]);
  const bytesPerSample = into.BYTES_PER_ELEMENT as 1 | 2;
  if (syntax.pixels === 'rle') {
    bytes.set(decodeRleFrame(stream, into.length, bytesPerSample, label));
    return nativePixels(header, into);
  }
  if (syntax.pixels === 'native') throw new Error('native pixels have no frame ranges');
  checkCodestream(stream, syntax.pixels, { rows: header.rows, columns: header.columns, bitsStored: header.bitsStored, bytesPerSample }, label, syntax.name);
  let frame;
  try {
    frame = await decodeFrame(syntax.pixels, stream, bytesPerSample);
  } catch (error) {
    if (!(error instanceof CodecFailure)) throw error;
    // the codec's own words are not echoed: they describe its internals, not what the person can fix
    throw new UploadError(
      error.timedOut
        ? `${label} (${syntax.name}) took longer than ${FRAME_DECODE_LIMIT_MS / 1000} s to decode one frame and was stopped. Export the series uncompressed (Explicit VR Little Endian).`
        : `${label} (${syntax.name}) is damaged: its compressed frame could not be decoded.`,
      422,
    );
  }
  if (frame.width !== header.columns || frame.height !== header.rows || frame.components !== 1 || frame.pixels.length !== bytes.length) {
    throw new UploadError(`${label} (${syntax.name}) is damaged: its frame decoded to ${frame.width}×${frame.height}, not the ${header.columns}×${header.rows} the file says.`, 422);
  }
  bytes.set(frame.pixels);
  nativePixels(header, into);
}
