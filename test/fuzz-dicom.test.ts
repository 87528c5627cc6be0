import assert from 'node:assert/strict';
import { test } from 'node:test';
import dicomParser from 'dicom-parser';
import fc from 'fast-check';
import { MemoryBudget } from '../lib/runtime/memory-budget';
import { decodeImage } from '../lib/formats/open-image';
import { openVolume } from '../lib/formats/open-volume';
import { makeDicom, makeEnhancedDicom, seriesFromVolume, SYNTAX } from '../testkit/dicom-synthetic';
import { endsWell, outcomes, reachedDeep } from '../testkit/fuzz';
import { makeZip } from '../testkit/zip-synthetic';

// Property-based fuzzing of the DICOM path (dicom-parser behind our checks, the series stacker, the zip reader): every
// generated input must end in a typed 4xx error (or 503 from the memory budget) or a valid result, never another throw.

const dims: [number, number, number] = [40, 36, 3];
const affine = [[-1, 0, 0, 20], [0, -1.2, 0, 30], [0, 0, 2.5, -10], [0, 0, 0, 1]];
const values = Array.from({ length: dims[0] * dims[1] * dims[2] }, (_, i) => ((i * 37) % 500) - 50);

function baseSeries(syntax: string) {
  return seriesFromVolume({ dims, affine, values }, { transferSyntax: syntax, seriesUid: '2.25.5', slope: 1.5, intercept: 2, window: [10, 20] });
}

/** Offsets of each element's tag, VR and length fields in an explicit VR file, found by dicom-parser on the valid file. */
function fieldOffsets(file: Uint8Array): number[] {
  const dataSet = dicomParser.parseDicom(file, { untilTag: 'x7fe00010' });
  return Object.values(dataSet.elements).flatMap((e) => {
    const long = ['OB', 'OW', 'OF', 'SQ', 'UT', 'UN'].includes(e.vr ?? '');
    const start = e.dataOffset - (long ? 12 : 8);
    return long ? [start, start + 4, start + 8] : [start, start + 4, start + 6];
  });
}

/** The same, into the items of sequences too (an Enhanced MR file's functional groups). */
function nestedFieldOffsets(file: Uint8Array): number[] {
  const offsets: number[] = [];
  const walk = (dataSet: dicomParser.DataSet) => Object.values(dataSet.elements).forEach((e) => {
    const long = ['OB', 'OW', 'OF', 'SQ', 'UT', 'UN'].includes(e.vr ?? '');
    const start = e.dataOffset - (long ? 12 : 8);
    offsets.push(...(long ? [start, start + 4, start + 8] : [start, start + 4, start + 6]));
    e.items?.forEach((item) => {
      offsets.push(item.dataOffset - 8, item.dataOffset - 4);
      if (item.dataSet) walk(item.dataSet);
    });
  });
  walk(dicomParser.parseDicom(file, { untilTag: 'x7fe00010' }));
  return offsets;
}

const interesting = fc.constantFrom(0, 1, 2, 3, 0xff, 0xffff, 0x7fff, 0x8000, 0xffffffff, 0xfffffffe, 0x7fffffff, 16, 128, 4096, 65536);

/** Writes a value of 1, 2 or 4 bytes, little or big endian, at one of the given offsets (or anywhere in the header). */
const write = (offsets: number[], size: number) => fc.record({
  at: fc.oneof(fc.constantFrom(...offsets), fc.nat(size - 1)),
  width: fc.constantFrom(1, 2, 4),
  value: fc.oneof(interesting, fc.nat()),
  littleEndian: fc.boolean(),
  vr: fc.option(fc.constantFrom('SQ', 'UN', 'OB', 'OW', 'UT', 'US', 'DS', 'xx', '\0\0'), { nil: undefined }),
});

function mutate(file: Uint8Array, writes: Array<{ at: number; width: number; value: number; littleEndian: boolean; vr?: string }>, cut: number): Uint8Array {
  const out = new Uint8Array(file);
  const view = new DataView(out.buffer);
  for (const w of writes) {
    if (w.vr !== undefined && w.at + 6 <= out.length) {
      out[w.at + 4] = w.vr.charCodeAt(0);
      out[w.at + 5] = w.vr.charCodeAt(1);
      continue;
    }
    if (w.at + w.width > out.length) continue;
    if (w.width === 4) view.setUint32(w.at, w.value >>> 0, w.littleEndian);
    else if (w.width === 2) view.setUint16(w.at, w.value & 0xffff, w.littleEndian);
    else view.setUint8(w.at, w.value & 0xff);
  }
  return cut > 0 && cut < out.length ? out.subarray(0, out.length - cut) : out;
}

test('one DICOM image on the slice page: element tags, VRs and lengths mutated, files cut, in three syntaxes: 2,000 cases', async () => {
  const bases = [SYNTAX.explicitLittle, SYNTAX.implicitLittle, SYNTAX.explicitBig].map((syntax) => baseSeries(syntax)[1]);
  const offsets = fieldOffsets(bases[0]);
  const header = bases[0].length - dims[0] * dims[1] * 2;
  await fc.assert(
    fc.asyncProperty(fc.nat(2), fc.array(write(offsets, header + 16), { minLength: 1, maxLength: 5 }), fc.oneof(fc.constant(0), fc.nat(3000)), async (which, writes, cut) => {
      const bytes = mutate(bases[which], writes, cut);
      await endsWell(() => decodeImage(bytes, 'The FLAIR image', (w, h, extra = 0) => new MemoryBudget(64 << 20).reserve().grow(w * h * (9 + extra))), 'DICOM image');
    }),
    { numRuns: 2000 },
  );
  reachedDeep('DICOM image');
});

test('a DICOM series with one file mutated, or files dropped, doubled and mixed with other series: 1,500 cases', async () => {
  const files = baseSeries(SYNTAX.explicitLittle);
  const other = seriesFromVolume({ dims, affine, values }, { seriesUid: '2.25.6', seriesNumber: 9 });
  const offsets = fieldOffsets(files[0]);
  const header = files[0].length - dims[0] * dims[1] * 2;
  await fc.assert(
    fc.asyncProperty(
      fc.nat(2), fc.array(write(offsets, header + 16), { maxLength: 4 }), fc.oneof(fc.constant(0), fc.nat(3000)),
      fc.subarray([0, 1, 2]), fc.subarray([0, 1, 2]), fc.boolean(),
      async (victim, writes, cut, kept, extra, oneBuffer) => {
        const series = kept.map((k) => (k === victim ? mutate(files[k], writes, cut) : files[k]));
        let upload = [...series, ...extra.map((k) => (k % 2 ? other[k] : files[k]))];
        if (oneBuffer) {
          // as the multipart parser keeps a field's files, and stacked in place
          const joined = new Uint8Array(upload.reduce((n, f) => n + f.length, 0));
          let at = 0;
          upload = upload.map((file) => (joined.set(file, at), joined.subarray(at, (at += file.length))));
        }
        const memory = new MemoryBudget(64 << 20).reserve();
        await endsWell(async () => {
          const opened = await openVolume(upload, 'The FLAIR volume', memory, oneBuffer);
          memory.grow(opened.readBytes);
          const volume = await opened.read();
          assert.equal(volume.stored.length, volume.dims[0] * volume.dims[1] * volume.dims[2]);
        }, 'DICOM series');
      },
    ),
    { numRuns: 1500 },
  );
  reachedDeep('DICOM series');
});

test('a zip of a DICOM series with bytes flipped, cut and sizes forged: 1,500 cases', async () => {
  const files = baseSeries(SYNTAX.explicitLittle);
  const zips = [makeZip(files.map((data, k) => ({ name: `s/IM${k}.dcm`, data }))), makeZip(files.map((data, k) => ({ name: `IM${k}`, data, deflate: false })))];
  await fc.assert(
    fc.asyncProperty(fc.nat(1), fc.array(fc.tuple(fc.nat(), fc.oneof(interesting, fc.nat(255))), { minLength: 1, maxLength: 6 }), fc.oneof(fc.constant(0), fc.nat(4000)), async (which, flips, cut) => {
      const zip = new Uint8Array(zips[which]);
      const view = new DataView(zip.buffer);
      // the central directory and end record sit at the end: aim half the flips there
      for (const [at, value] of flips) {
        const offset = at % 2 ? zip.length - 1 - (at % Math.min(zip.length, 400)) : at % zip.length;
        if (offset + 4 <= zip.length && value > 255) view.setUint32(offset, value >>> 0, true);
        else zip[offset] = value & 0xff;
      }
      const bytes = cut > 0 && cut < zip.length ? zip.subarray(0, zip.length - cut) : zip;
      await endsWell(async () => (await openVolume([bytes], 'The FLAIR volume', new MemoryBudget(64 << 20).reserve())).read(), 'zip');
    }),
    { numRuns: 1500 },
  );
  reachedDeep('zip');
});

test('an Enhanced MR file with its functional groups mutated and cut, as a volume and on the slice page: 800 cases', async () => {
  const frames = Array.from({ length: dims[2] }, (_, k) => ({ position: [-20, -30, -10 + 2.5 * (dims[2] - 1 - k)], slope: 1.5 + k, intercept: 2 }));
  const file = makeEnhancedDicom(frames, { rows: dims[1], columns: dims[0], pixels: values, orientation: [1, 0, 0, 0, 1, 0], pixelSpacing: [1.2, 1] });
  const offsets = nestedFieldOffsets(file);
  const header = file.length - values.length * 2;
  await fc.assert(
    fc.asyncProperty(fc.array(write(offsets, header + 16), { maxLength: 4 }), fc.oneof(fc.constant(0), fc.nat(3000)), async (writes, cut) => {
      const bytes = mutate(file, writes, cut);
      const memory = new MemoryBudget(64 << 20).reserve();
      await endsWell(async () => {
        const opened = await openVolume([bytes], 'The FLAIR volume', memory);
        memory.grow(opened.readBytes);
        const volume = await opened.read();
        assert.equal(volume.stored.length, volume.dims[0] * volume.dims[1] * volume.dims[2]);
      }, 'Enhanced MR file');
      await endsWell(() => decodeImage(bytes, 'The FLAIR image'), 'Enhanced MR file on the slice page');
    }),
    { numRuns: 800 },
  );
  reachedDeep('Enhanced MR file');
});

test('DICOM files built from random elements (any tag, VR and length): 1,000 cases', async () => {
  const element = fc.record({ tag: fc.nat(), vr: fc.constantFrom('US', 'UL', 'DS', 'IS', 'CS', 'UI', 'SQ', 'OB', 'OW', 'UN', 'UT', 'LO'), length: fc.oneof(interesting, fc.nat(64)), body: fc.uint8Array({ maxLength: 48 }) });
  const good = makeDicom({ rows: 40, columns: 40, pixels: [1, 2, 3], position: [0, 0, 0], orientation: [1, 0, 0, 0, 1, 0], pixelSpacing: [1, 1] });
  const next = makeDicom({ rows: 40, columns: 40, pixels: [1, 2, 3], position: [0, 0, 1], orientation: [1, 0, 0, 0, 1, 0], pixelSpacing: [1, 1] });
  const metaEnd = 132 + 12 + new DataView(good.buffer).getUint32(140, true);
  await fc.assert(
    fc.asyncProperty(fc.array(element, { maxLength: 12 }), fc.boolean(), async (elements, keepImage) => {
      const parts: Uint8Array[] = [good.subarray(0, metaEnd)];
      for (const e of elements.sort((a, b) => a.tag - b.tag)) {
        const long = ['OB', 'OW', 'SQ', 'UN', 'UT'].includes(e.vr);
        const head = new Uint8Array(long ? 12 : 8);
        const view = new DataView(head.buffer);
        view.setUint16(0, (e.tag >>> 16) & 0xffff, true);
        view.setUint16(2, e.tag & 0xffff, true);
        head[4] = e.vr.charCodeAt(0);
        head[5] = e.vr.charCodeAt(1);
        if (long) view.setUint32(8, e.length >>> 0, true);
        else view.setUint16(6, e.length & 0xffff, true);
        parts.push(head, e.body);
      }
      if (keepImage) parts.push(good.subarray(metaEnd));
      const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      parts.reduce((at, p) => (bytes.set(p, at), at + p.length), 0);
      await endsWell(() => decodeImage(bytes, 'The FLAIR image'), 'random elements');
      await endsWell(async () => (await openVolume([bytes, next], 'The FLAIR volume')).read(), 'random elements in a series');
    }),
    { numRuns: 1000 },
  );
  reachedDeep('random elements in a series');
});

test.after(() => {
  for (const [what, counts] of outcomes) {
    const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, n]) => `${n} ${k}`);
    console.log(`# ${what}: ${[...counts.values()].reduce((a, b) => a + b, 0)} cases, ${counts.size} outcomes; most often: ${top.join(' | ')}`);
  }
});
