import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

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
