import { UploadError } from '../errors';

// Transfer syntaxes by UID: how a file's data set and pixels are encoded, which of them this server reads, and with what.
// The compressed ones are decoded frame by frame: RLE here (dicom-rle.ts), the others by kept libraries in a worker
// thread (lib/codecs/). PS3.5 section 10 and Annex A.

/** The codec a compressed frame needs; 'native' pixels are stored as they are, 'rle' is PS3.5 Annex G. */
export type PixelEncoding = 'native' | 'rle' | 'jpeg-lossless' | 'jpeg-baseline' | 'jpeg-ls' | 'jpeg-2000';

export interface TransferSyntax {
  uid: string;
  name: string;
  /** Data set byte order (native pixels share it). */
  littleEndian: boolean;
  /** The data set after the file meta group is raw-deflated (1.2.840.10008.1.2.1.99). */
  deflated: boolean;
  pixels: PixelEncoding;
  /** The syntax itself may lose information (JPEG baseline, JPEG-LS near-lossless, JPEG 2000 irreversible). */
  lossy: boolean;
}

const read: TransferSyntax[] = [
  { uid: '1.2.840.10008.1.2', name: 'Implicit VR Little Endian', littleEndian: true, deflated: false, pixels: 'native', lossy: false },
  { uid: '1.2.840.10008.1.2.1', name: 'Explicit VR Little Endian', littleEndian: true, deflated: false, pixels: 'native', lossy: false },
  { uid: '1.2.840.10008.1.2.2', name: 'Explicit VR Big Endian', littleEndian: false, deflated: false, pixels: 'native', lossy: false },
  { uid: '1.2.840.10008.1.2.1.99', name: 'Deflated Explicit VR Little Endian', littleEndian: true, deflated: true, pixels: 'native', lossy: false },
  { uid: '1.2.840.10008.1.2.5', name: 'RLE Lossless', littleEndian: true, deflated: false, pixels: 'rle', lossy: false },
  { uid: '1.2.840.10008.1.2.4.57', name: 'JPEG Lossless (process 14)', littleEndian: true, deflated: false, pixels: 'jpeg-lossless', lossy: false },
  { uid: '1.2.840.10008.1.2.4.70', name: 'JPEG Lossless (process 14, first-order prediction)', littleEndian: true, deflated: false, pixels: 'jpeg-lossless', lossy: false },
  { uid: '1.2.840.10008.1.2.4.50', name: 'JPEG Baseline (lossy, 8-bit)', littleEndian: true, deflated: false, pixels: 'jpeg-baseline', lossy: true },
  { uid: '1.2.840.10008.1.2.4.80', name: 'JPEG-LS Lossless', littleEndian: true, deflated: false, pixels: 'jpeg-ls', lossy: false },
  { uid: '1.2.840.10008.1.2.4.81', name: 'JPEG-LS Near-Lossless', littleEndian: true, deflated: false, pixels: 'jpeg-ls', lossy: true },
  { uid: '1.2.840.10008.1.2.4.90', name: 'JPEG 2000 (lossless only)', littleEndian: true, deflated: false, pixels: 'jpeg-2000', lossy: false },
  { uid: '1.2.840.10008.1.2.4.91', name: 'JPEG 2000', littleEndian: true, deflated: false, pixels: 'jpeg-2000', lossy: true },
];
const readable = new Map(read.map((syntax) => [syntax.uid, syntax]));

/** Named but not read: no library we keep decodes them. */
const refusedNames: Record<string, string> = {
  '1.2.840.10008.1.2.4.51': 'JPEG Extended (lossy, 12-bit)',
  '1.2.840.10008.1.2.4.92': 'JPEG 2000 Part 2 multi-component (lossless only)',
  '1.2.840.10008.1.2.4.93': 'JPEG 2000 Part 2 multi-component',
  '1.2.840.10008.1.2.4.201': 'High-Throughput JPEG 2000 (lossless only)',
  '1.2.840.10008.1.2.4.202': 'High-Throughput JPEG 2000 with RPCL options (lossless only)',
  '1.2.840.10008.1.2.4.203': 'High-Throughput JPEG 2000',
};

/** The syntax a file names, or a 415 that names it (or its UID, when it is only digits and dots). */
export function transferSyntax(uid: string, label: string): TransferSyntax {
  const known = readable.get(uid);
  if (known) return known;
  const name = refusedNames[uid];
  const safe = /^[0-9.]{1,64}$/.test(uid) ? uid : 'an unknown UID';
  throw new UploadError(
    name
      ? `${label} is compressed as ${name} (${uid}), which this server cannot decode. Export the series uncompressed (Explicit VR Little Endian), e.g. with dcmtk's \`dcmdjpeg\` or \`dcmconv +te\`.`
      : `${label} uses transfer syntax ${safe}, which this server cannot read. Export the series uncompressed (Explicit VR Little Endian).`,
    415,
  );
}
