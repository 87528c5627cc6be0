import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readNiftiVolume } from '../lib/formats/nifti-read';
import { allValues } from '../lib/volume/scalar-volume';
import { fixture } from './client';
import { bratsSeries } from './dicom-fixtures';
import { makeDicom } from './dicom-synthetic';

// DICOM files re-encoded by tools nobody here wrote: dcmtk (dcmcjpeg, dcmcjpls, dcmcrle, dcmconv) and GDCM (gdcmconv),
// Debian's dcmtk and libgdcm-tools. Each tool is run once over a folder, not once a file: a shell loop.

/** A tool's command for one file ($in, $out), and the transfer syntax it writes. */
export const ENCODERS = {
  'JPEG Lossless (process 14, first-order prediction)': { command: 'dcmcjpeg +e1 "$in" "$out"', syntax: '1.2.840.10008.1.2.4.70' },
  'JPEG Lossless (process 14)': { command: 'dcmcjpeg +el "$in" "$out"', syntax: '1.2.840.10008.1.2.4.57' },
  'JPEG-LS Lossless': { command: 'dcmcjpls "$in" "$out"', syntax: '1.2.840.10008.1.2.4.80' },
  'RLE Lossless': { command: 'dcmcrle "$in" "$out"', syntax: '1.2.840.10008.1.2.5' },
  'JPEG 2000 (lossless only)': { command: 'gdcmconv --j2k "$in" "$out"', syntax: '1.2.840.10008.1.2.4.90' },
  'Deflated Explicit VR Little Endian': { command: 'dcmconv +td "$in" "$out"', syntax: '1.2.840.10008.1.2.1.99' },
  'JPEG Baseline (lossy, 8-bit)': { command: 'dcmcjpeg +eb "$in" "$out"', syntax: '1.2.840.10008.1.2.4.50' },
  // dcmcjpls writes near-lossless for unsigned pixels only: given the 8-bit slice
  'JPEG-LS Near-Lossless (lossy, 8-bit)': { command: 'dcmcjpls +en "$in" "$out"', syntax: '1.2.840.10008.1.2.4.81' },
  'JPEG 2000 (lossy)': { command: 'gdcmconv --j2k --lossy -r 10 "$in" "$out"', syntax: '1.2.840.10008.1.2.4.91' },
} as const;

export type EncoderName = keyof typeof ENCODERS;

/** Why the tools cannot run here, or false when they can. */
export function missingCodecTools(): string | false {
  const missing = ['dcmcjpeg', 'dcmcjpls', 'dcmcrle', 'dcmconv', 'gdcmconv'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
  return missing.length ? `needs ${missing.join(', ')} (apt-get install dcmtk libgdcm-tools)` : false;
}

/** The files re-encoded by one tool, in the same order. */
export function reencode(files: Uint8Array[], encoder: EncoderName): Uint8Array[] {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'dicom-codec-'));
  try {
    files.forEach((file, k) => writeFileSync(path.join(folder, `in${k}.dcm`), file));
    const loop = `for k in $(seq 0 ${files.length - 1}); do in="in$k.dcm"; out="out$k.dcm"; ${ENCODERS[encoder].command} || exit 1; done`;
    const run = spawnSync('bash', ['-c', loop], { cwd: folder, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`${encoder}: ${run.stderr || run.stdout}`);
    return files.map((_, k) => new Uint8Array(readFileSync(path.join(folder, `out${k}.dcm`))));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** BRATS patient 0001's FLAIR slice 70 in 8 bits (JPEG Baseline holds 8), axial, 1 mm pixels, and its stored values. */
export async function eightBitSlice(): Promise<{ file: Uint8Array; pixels: number[] }> {
  const volume = await readNiftiVolume(readFileSync(fixture('brats-pat0001-flair.nii.gz')));
  const [nx, ny] = volume.dims;
  const plane = Array.from(allValues(volume).subarray(70 * nx * ny, 71 * nx * ny));
  const max = Math.max(...plane);
  const pixels = plane.map((v) => Math.round((255 * Math.max(0, v)) / max));
  const file = makeDicom({ rows: ny, columns: nx, pixels, datatype: 'uint8', position: [0, 0, 0], orientation: [1, 0, 0, 0, 1, 0], pixelSpacing: [1, 1] });
  return { file, pixels };
}

/** One file in each compressed syntax the server reads: a BRATS slice through the tumour, in 8 bits where the encoder needs it. */
export async function oneFrameOfEachSyntax(): Promise<Array<{ encoder: EncoderName; file: Uint8Array }>> {
  const slice = (await bratsSeries())[70];
  const eight = await eightBitSlice();
  return (Object.keys(ENCODERS) as EncoderName[]).map((encoder) => ({
    encoder,
    file: reencode([encoder.includes('8-bit') ? eight.file : slice], encoder)[0],
  }));
}
