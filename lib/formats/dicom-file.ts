import { inflateRawSync } from 'node:zlib';
import dicomParser, { type DataSet } from 'dicom-parser';
import { isUploadError, UploadError } from '../errors';
import { megabytes } from '../format';
import { MAX_DICOM_FILE_BYTES, MAX_VOLUME_UPLOAD_BYTES } from '../limits';
import { integer, numbers, text } from './dicom-elements';
import { readFunctionalGroups, type FrameGeometry } from './dicom-enhanced';
import { frameFragments } from './dicom-fragments';
import { transferSyntax, type TransferSyntax } from './dicom-syntax';
import type { VoxelType } from '../volume/scalar-volume';

// One DICOM Part 10 file -> the few tags an image needs, checked. dicom-parser walks the elements; we check the preamble,
// the size and the transfer syntax before it does, and every element we read after. Only the tags named in `tags` are
// ever read: patient, study and institution tags are never decoded, so they cannot reach a result, a message or a log.

const tags = {
  transferSyntax: 'x00020010',
  sopClass: 'x00080016',
  imageType: 'x00080008',
  modality: 'x00080060',
  seriesUid: 'x0020000e',
  seriesNumber: 'x00200011',
  position: 'x00200032',
  orientation: 'x00200037',
  samplesPerPixel: 'x00280002',
  photometric: 'x00280004',
  frames: 'x00280008',
  rows: 'x00280010',
  columns: 'x00280011',
  pixelSpacing: 'x00280030',
  bitsAllocated: 'x00280100',
  bitsStored: 'x00280101',
  highBit: 'x00280102',
  pixelRepresentation: 'x00280103',
  intercept: 'x00281052',
  slope: 'x00281053',
  lossyCompression: 'x00282110',
  pixelData: 'x7fe00010',
} as const;

const MEDIA_DIRECTORY_SOP_CLASS = '1.2.840.10008.1.3.10';
// Enhanced MR and Legacy Converted Enhanced MR: a series in one file, placed frame by frame by functional groups
const ENHANCED_MR_SOP_CLASSES = new Set(['1.2.840.10008.5.1.4.1.1.4.1', '1.2.840.10008.5.1.4.1.1.4.4']);
// No grey images of a head
const OTHER_MR_SOP_CLASSES: Record<string, string> = {
  '1.2.840.10008.5.1.4.1.1.4.2': 'MR spectroscopy, not an image',
  '1.2.840.10008.5.1.4.1.1.4.3': 'an Enhanced MR Color image; an MRI series is grey (MONOCHROME2)',
};

export interface DicomImageHeader {
  /** Groups files into series; compared, never shown. */
  seriesUid: string;
  seriesNumber: number | null;
  /** The Modality code (MR, CT, ...), or "unknown": a code from a short list, never free text. */
  modality: string;
  isLocaliser: boolean;
  isMediaDirectory: boolean;
  rows: number;
  columns: number;
  datatype: VoxelType;
  bitsStored: number;
  littleEndian: boolean;
  /** How the file is encoded; its pixels may need a codec (dicom-pixels.ts). */
  syntax: TransferSyntax;
  /** A lossy syntax, or LossyImageCompression (0028,2110) "01": the pixels are not what the scanner measured. */
  lossyCompression: boolean;
  /** The bytes pixelOffset and frameRanges point into: the file, or its data set inflated (the Deflated syntax). */
  pixelSource: Uint8Array;
  /** Compressed pixels: each frame's fragments as [start, end) of pixelSource; null for native pixels. */
  frameRanges: Array<Array<[number, number]>> | null;
  /** Between rows and between columns, mm; null when the file does not say. */
  pixelSpacingMm: [number, number] | null;
  /** ImagePositionPatient and ImageOrientationPatient (LPS, mm); null when absent. */
  position: [number, number, number] | null;
  orientation: [number, number, number, number, number, number] | null;
  slope: number;
  intercept: number;
  /** Where native pixels are in pixelSource (every frame's), and their decoded size. */
  pixelOffset: number;
  pixelBytes: number;
  /** NumberOfFrames: 1 for a classic image. */
  frames: number;
  /** Enhanced MR Image Storage: each frame's geometry and rescale from the functional groups; the fields above are frame 1's. */
  frameGeometry: FrameGeometry[] | null;
}

/** Has the Part 10 preamble: 128 bytes, then "DICM". */
export function isDicom(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

const damaged = (label: string) => new UploadError(`${label} is a damaged DICOM file: its elements could not be read.`, 400);

/** The file meta group alone (always explicit VR little endian), read before the data set so its syntax can be refused first. */
function transferSyntaxOf(bytes: Uint8Array, label: string): string {
  let meta: DataSet;
  try {
    meta = dicomParser.readPart10Header(bytes);
  } catch {
    throw damaged(label);
  }
  const element = meta.elements[tags.transferSyntax];
  if (!element || element.length > 64 || element.dataOffset + element.length > bytes.length) {
    throw new UploadError(`${label} is a damaged DICOM file: it does not say how its pixels are encoded (no transfer syntax).`, 400);
  }
  return (meta.string(tags.transferSyntax) ?? '').replace(/\0/g, '').trim();
}

/** MediaStorageSOPClassUID from the file meta group alone, or '' when it cannot be read. */
function metaSopClassOf(bytes: Uint8Array): string {
  try {
    const meta = dicomParser.readPart10Header(bytes);
    const element = meta.elements['x00020002'];
    if (!element || element.length > 64 || element.dataOffset + element.length > bytes.length) return '';
    return (meta.string('x00020002') ?? '').replace(/\0/g, '').trim();
  } catch {
    return '';
  }
}

/**
 * The Deflated syntax's data set, inflated by zlib up to `limit` bytes (a deflate bomb stops there): the file meta group
 * and the inflated data set in one new buffer, as dicom-parser asks of its inflater.
 */
function inflater(label: string, limit: number) {
  return (bytes: Uint8Array, position: number): Uint8Array => {
    let inflated: Buffer;
    try {
      inflated = inflateRawSync(bytes.subarray(position), { maxOutputLength: limit });
    } catch (error) {
      if (error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new UploadError(`${label} (Deflated Explicit VR Little Endian) inflates to more than ${megabytes(limit)}, the limit for ${limit === MAX_DICOM_FILE_BYTES ? 'one file' : 'one Enhanced MR file'}.`, 413);
      }
      throw new UploadError(`${label} (Deflated Explicit VR Little Endian) is damaged: its deflated data set does not inflate.`, 400);
    }
    const whole = new Uint8Array(position + inflated.length);
    whole.set(bytes.subarray(0, position));
    whole.set(inflated, position);
    return whole;
  };
}

const MODALITY = /^[A-Z0-9_]{1,16}$/;

/** Reads the header of one DICOM file (not its pixels) and checks what an image needs; throws an UploadError otherwise. */
export function readDicomHeader(bytes: Uint8Array, label: string): DicomImageHeader {
  if (!isDicom(bytes)) throw new UploadError(`${label} is not a DICOM file (no "DICM" after the 128-byte preamble).`, 415);
  // an Enhanced MR file holds a whole series: told by the SOP class in its file meta group, read before the data set
  const limit = bytes.length > MAX_DICOM_FILE_BYTES && ENHANCED_MR_SOP_CLASSES.has(metaSopClassOf(bytes)) ? MAX_VOLUME_UPLOAD_BYTES : MAX_DICOM_FILE_BYTES;
  if (bytes.length > limit) {
    const what = limit === MAX_DICOM_FILE_BYTES ? 'one DICOM file' : 'one Enhanced MR file (a whole series)';
    throw new UploadError(`${label} is ${Math.round(bytes.length / 1024 / 1024)} MB; ${what} may be at most ${limit / 1024 / 1024} MB.`, 413);
  }
  const syntax = transferSyntax(transferSyntaxOf(bytes, label), label);

  let dataSet: DataSet;
  try {
    // stops at the pixel data's element header: its bytes are never walked
    // a deflated file may inflate as far as its kind of file may be large: an Enhanced MR file as far as a volume
    const inflateLimit = syntax.deflated && ENHANCED_MR_SOP_CLASSES.has(metaSopClassOf(bytes)) ? MAX_VOLUME_UPLOAD_BYTES : limit;
    dataSet = dicomParser.parseDicom(bytes, { untilTag: tags.pixelData, inflater: inflater(label, inflateLimit) });
  } catch (error) {
    if (isUploadError(error)) throw error;
    throw damaged(label);
  }
  try {
    return checkedHeader(dataSet, dataSet.byteArray, syntax, label);
  } catch (error) {
    if (isUploadError(error)) throw error;
    throw damaged(label);
  }
}

export interface DicomIdentity {
  seriesUid: string;
  seriesNumber: number | null;
  isMediaDirectory: boolean;
  /** An Enhanced MR file of several frames: a whole series in one file. */
  isEnhancedSeries: boolean;
}

/** Which series a file belongs to, from its header alone, for grouping a folder's files (the cohort command). */
export function readDicomIdentity(bytes: Uint8Array, label: string): DicomIdentity {
  if (!isDicom(bytes)) throw new UploadError(`${label} is not a DICOM file (no "DICM" after the 128-byte preamble).`, 415);
  try {
    const dataSet = dicomParser.parseDicom(bytes, { untilTag: tags.pixelData, inflater: inflater(label, MAX_VOLUME_UPLOAD_BYTES) });
    const size = dataSet.byteArray.length;
    const sopClass = (text(dataSet, tags.sopClass, size) ?? '').replace(/\0/g, '').trim();
    return {
      seriesUid: (text(dataSet, tags.seriesUid, size) ?? '').replace(/\0/g, '').trim(),
      seriesNumber: integer(dataSet, tags.seriesNumber, size, 'IS') ?? null,
      isMediaDirectory: sopClass === MEDIA_DIRECTORY_SOP_CLASS,
      isEnhancedSeries: ENHANCED_MR_SOP_CLASSES.has(sopClass) && (integer(dataSet, tags.frames, size, 'IS') ?? 1) > 1,
    };
  } catch (error) {
    if (isUploadError(error)) throw error;
    throw damaged(label);
  }
}

function checkedHeader(dataSet: DataSet, source: Uint8Array, syntax: TransferSyntax, label: string): DicomImageHeader {
  const size = source.length;
  const littleEndian = syntax.littleEndian;
  const sopClass = (text(dataSet, tags.sopClass, size) ?? '').replace(/\0/g, '').trim();
  const rawModality = (text(dataSet, tags.modality, size, 16) ?? '').trim().toUpperCase();
  const imageType = (text(dataSet, tags.imageType, size, 1024) ?? '').toUpperCase().split('\\').map((part) => part.trim());
  const base = {
    seriesUid: (text(dataSet, tags.seriesUid, size) ?? '').replace(/\0/g, '').trim(),
    seriesNumber: integer(dataSet, tags.seriesNumber, size, 'IS') ?? null,
    modality: MODALITY.test(rawModality) ? rawModality : 'unknown',
    isLocaliser: imageType.includes('LOCALIZER') || imageType.includes('LOCALISER') || imageType.includes('SCOUT'),
    isMediaDirectory: sopClass === MEDIA_DIRECTORY_SOP_CLASS,
    syntax,
    littleEndian,
    lossyCompression: syntax.lossy || (text(dataSet, tags.lossyCompression, size, 16) ?? '').trim() === '01',
    pixelSource: source,
  };
  if (base.isMediaDirectory) {
    return { ...base, rows: 0, columns: 0, datatype: 'uint8', bitsStored: 8, frameRanges: null, pixelSpacingMm: null, position: null, orientation: null, slope: 1, intercept: 0, pixelOffset: 0, pixelBytes: 0, frames: 1, frameGeometry: null };
  }

  const frames = integer(dataSet, tags.frames, size, 'IS') ?? 1;
  const enhanced = ENHANCED_MR_SOP_CLASSES.has(sopClass);
  if (frames < 1) throw new UploadError(`${label} is a damaged DICOM file: it says it has ${frames} frames (NumberOfFrames).`, 400);
  if (Object.hasOwn(OTHER_MR_SOP_CLASSES, sopClass)) throw new UploadError(`${label} is ${OTHER_MR_SOP_CLASSES[sopClass]}.`, 415);
  if (frames > 1 && !enhanced) {
    throw new UploadError(`${label} is a multi-frame DICOM file with ${frames} frames but not an Enhanced MR image, so its frames have no position each; this server reads Enhanced MR files and classic series, one slice a file. Export the series as single-frame images (e.g. "classic" DICOM on the scanner, or dcm2niix to NIfTI).`, 415);
  }
  const rows = integer(dataSet, tags.rows, size, 'US');
  const columns = integer(dataSet, tags.columns, size, 'US');
  const element = dataSet.elements[tags.pixelData];
  if (!rows || !columns || !element) {
    throw new UploadError(`${label} holds no image: a DICOM file without pixel data (a report, structured document or presentation state).`, 422);
  }
  const samples = integer(dataSet, tags.samplesPerPixel, size, 'US') ?? 1;
  const photometric = (text(dataSet, tags.photometric, size, 16) ?? 'MONOCHROME2').trim().toUpperCase();
  if (samples !== 1 || !photometric.startsWith('MONOCHROME')) {
    throw new UploadError(`${label} is a colour image (${samples} samples a pixel); an MRI series is grey (MONOCHROME2).`, 415);
  }
  if (photometric !== 'MONOCHROME2') {
    throw new UploadError(`${label} stores inverted grey values (MONOCHROME1); this server reads MONOCHROME2, as MRI scanners write it.`, 415);
  }
  const bitsAllocated = integer(dataSet, tags.bitsAllocated, size, 'US');
  const bitsStored = integer(dataSet, tags.bitsStored, size, 'US') ?? bitsAllocated;
  const highBit = integer(dataSet, tags.highBit, size, 'US') ?? (bitsStored ?? 1) - 1;
  const signed = (integer(dataSet, tags.pixelRepresentation, size, 'US') ?? 0) === 1;
  const datatype: VoxelType | null = bitsAllocated === 16 ? (signed ? 'int16' : 'uint16') : bitsAllocated === 8 && !signed ? 'uint8' : null;
  if (!datatype || !bitsStored || bitsStored > bitsAllocated! || bitsStored < 1 || highBit !== bitsStored - 1) {
    throw new UploadError(`${label} stores its pixels as ${bitsAllocated ?? '?'}-bit${signed ? ' signed' : ''} values (${bitsStored ?? '?'} bits used, high bit ${highBit}); supported are 16-bit signed or unsigned and 8-bit unsigned.`, 415);
  }
  const pixelBytes = rows * columns * (bitsAllocated! / 8) * frames;
  // compressed pixels come as fragments, each frame's found now (every length checked); native ones as one run of bytes
  const compressed = syntax.pixels !== 'native';
  if (compressed && !element.hadUndefinedLength) throw new UploadError(`${label} is a damaged DICOM file: it says its pixels are compressed (${syntax.name}) but stores them uncompressed.`, 400);
  const frameRanges = compressed ? frameFragments(source, element.dataOffset, frames, label) : null;
  if (!compressed && (element.hadUndefinedLength || element.length < pixelBytes || element.dataOffset + pixelBytes > size)) {
    const what = frames > 1 ? `${frames} frames of ${columns}×${rows}` : `a ${columns}×${rows} image`;
    throw new UploadError(`${label} is cut off: ${what} needs ${pixelBytes.toLocaleString('en')} bytes of pixels but the file holds fewer.`, 400);
  }
  if (enhanced) {
    const frameGeometry = readFunctionalGroups(dataSet, size, frames, label);
    const first = frameGeometry[0];
    return {
      ...base, rows, columns, datatype, bitsStored, frameRanges,
      pixelSpacingMm: first.pixelSpacingMm, position: first.position, orientation: first.orientation, slope: first.slope, intercept: first.intercept,
      pixelOffset: element.dataOffset, pixelBytes, frames, frameGeometry,
    };
  }

  const spacing = numbers(dataSet, tags.pixelSpacing, size, 2);
  if (spacing && spacing.some((s) => !(s > 0 && s <= 100))) {
    throw new UploadError(`${label} gives an impossible pixel spacing (${spacing.join(' × ')} mm).`, 422);
  }
  const slope = numbers(dataSet, tags.slope, size, 1)?.[0] ?? 1;
  const intercept = numbers(dataSet, tags.intercept, size, 1)?.[0] ?? 0;
  if (slope === 0) throw new UploadError(`${label} has a rescale slope of 0, which would make every pixel the same value.`, 422);
  return {
    ...base,
    rows,
    columns,
    datatype,
    bitsStored,
    frameRanges,
    pixelSpacingMm: spacing ? [spacing[0], spacing[1]] : null,
    position: numbers(dataSet, tags.position, size, 3) as DicomImageHeader['position'],
    orientation: numbers(dataSet, tags.orientation, size, 6) as DicomImageHeader['orientation'],
    slope,
    intercept,
    pixelOffset: element.dataOffset,
    pixelBytes,
    frames: 1,
    frameGeometry: null,
  };
}

/** Pixels as the file stored them -> native byte order with the unused high bits dealt with, in place. */
export function nativePixels(header: DicomImageHeader, pixels: Uint8Array | Uint16Array | Int16Array): void {
  const width = pixels.BYTES_PER_ELEMENT;
  if (!header.littleEndian && width === 2) {
    const bytes = new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.length * 2);
    for (let i = 0; i < bytes.length; i += 2) {
      const high = bytes[i];
      bytes[i] = bytes[i + 1];
      bytes[i + 1] = high;
    }
  }
  const unused = width * 8 - header.bitsStored;
  if (unused === 0) return;
  if (pixels instanceof Int16Array) {
    for (let i = 0; i < pixels.length; i++) pixels[i] = (pixels[i] << (16 + unused)) >> (16 + unused);
  } else {
    const keep = (1 << header.bitsStored) - 1;
    for (let i = 0; i < pixels.length; i++) pixels[i] &= keep;
  }
}
