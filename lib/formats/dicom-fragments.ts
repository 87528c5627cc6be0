import { UploadError } from '../errors';

// Encapsulated pixel data (PS3.5 A.4): after the element header, items of (FFFE,E000) with a 32-bit length, the first
// the Basic Offset Table, the rest fragments of the frames' codestreams, ended by (FFFE,E0DD). dicom-parser stops at the
// pixel data element (nothing past it is walked), so the items are walked here, every length checked against the file.

type Range = [start: number, end: number];

// A frame in more fragments than this is not what any writer makes
const MAX_FRAGMENTS_PER_FRAME = 256;

const damaged = (label: string, why: string) => new UploadError(`${label} is a damaged DICOM file: its compressed pixel data ${why}.`, 400);

function itemTag(bytes: Uint8Array, at: number): 'item' | 'end' | 'other' {
  if (bytes[at] !== 0xfe || bytes[at + 1] !== 0xff) return 'other';
  if (bytes[at + 2] === 0x00 && bytes[at + 3] === 0xe0) return 'item';
  if (bytes[at + 2] === 0xdd && bytes[at + 3] === 0xe0) return 'end';
  return 'other';
}

const uint32 = (bytes: Uint8Array, at: number) => (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16)) + bytes[at + 3] * 0x1000000;

/** Each frame's fragments as byte ranges of `bytes`, from the first item at `dataOffset`. */
export function frameFragments(bytes: Uint8Array, dataOffset: number, frames: number, label: string): Range[][] {
  const size = bytes.length;
  let at = dataOffset;
  if (at + 8 > size || itemTag(bytes, at) !== 'item') throw damaged(label, 'has no offset table');
  const tableLength = uint32(bytes, at + 4);
  if (tableLength % 4 !== 0 || at + 8 + tableLength > size || tableLength / 4 > frames) throw damaged(label, 'has a broken offset table');
  const offsets = Array.from({ length: tableLength / 4 }, (_, i) => uint32(bytes, at + 8 + i * 4));
  at += 8 + tableLength;
  const firstItem = at;

  const fragments: Array<{ item: number; range: Range }> = [];
  for (;;) {
    if (at + 8 > size) throw damaged(label, 'is cut off');
    const tag = itemTag(bytes, at);
    if (tag === 'end') break;
    const length = uint32(bytes, at + 4);
    if (tag !== 'item' || at + 8 + length > size) throw damaged(label, 'is cut off or has a broken fragment');
    if (fragments.length >= frames * MAX_FRAGMENTS_PER_FRAME) throw damaged(label, `has more than ${MAX_FRAGMENTS_PER_FRAME} fragments a frame`);
    fragments.push({ item: at - firstItem, range: [at + 8, at + 8 + length] });
    at += 8 + length;
  }
  if (fragments.length < frames) throw damaged(label, `holds ${fragments.length} fragments for ${frames} frames`);
  if (frames === 1) return [fragments.map((f) => f.range)];
  if (offsets.length === frames) {
    if (offsets[0] !== 0 || offsets.some((o, i) => i > 0 && o <= offsets[i - 1])) throw damaged(label, 'has a broken offset table');
    const starts = offsets.map((offset) => fragments.findIndex((f) => f.item === offset));
    if (starts.some((s) => s < 0)) throw damaged(label, 'has an offset table that points between fragments');
    return starts.map((start, f) => fragments.slice(start, f + 1 < frames ? starts[f + 1] : fragments.length).map((x) => x.range));
  }
  if (fragments.length === frames) return fragments.map((f) => [f.range]);
  // No offset table and more fragments than frames: a frame starts where a codestream starts (JPEG SOI, JPEG 2000 SOC)
  const starts = fragments.flatMap((f, i) => (bytes[f.range[0]] === 0xff && (bytes[f.range[0] + 1] === 0xd8 || bytes[f.range[0] + 1] === 0x4f) ? [i] : []));
  if (starts.length !== frames || starts[0] !== 0) throw damaged(label, `cannot be split into its ${frames} frames`);
  return starts.map((start, f) => fragments.slice(start, f + 1 < frames ? starts[f + 1] : fragments.length).map((x) => x.range));
}

/** One frame's codestream: a view of the file for one fragment, else the fragments joined. */
export function codestream(bytes: Uint8Array, ranges: Range[]): Uint8Array {
  if (ranges.length === 1) return bytes.subarray(ranges[0][0], ranges[0][1]);
  const joined = new Uint8Array(ranges.reduce((sum, [start, end]) => sum + end - start, 0));
  let at = 0;
  for (const [start, end] of ranges) {
    joined.set(bytes.subarray(start, end), at);
    at += end - start;
  }
  return joined;
}
