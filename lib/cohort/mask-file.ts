import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ScanResult } from './analyse-scan';
import type { Scan } from './find-scans';

/** masks/<the scan's folder>/<its name>-tumour-mask.nii.gz (or .png); a series by its number. */
function maskPath(masks: string, scan: Scan, extension: string): string {
  const stem = scan.name.replace(/#series-/, 'series-').replace(/\.(nii(\.gz)?|png|jpe?g|tiff?|webp|dcm)$/i, '');
  return path.join(masks, `${stem}-tumour-mask${extension}`);
}

/**
 * Writes a scan's predicted mask under the masks folder. Written whole and then renamed into place: a queue may deliver a
 * job twice, and two workers writing one mask on a shared folder must never leave a mixed file.
 */
export function writeMask(masks: string, scan: Scan, mask: NonNullable<ScanResult['mask']>): string {
  const file = maskPath(masks, scan, mask.extension);
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${os.hostname()}-${process.pid}.partial`;
  writeFileSync(partial, mask.bytes);
  renameSync(partial, file);
  return file;
}
