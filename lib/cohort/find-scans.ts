import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { isDicom, readDicomIdentity } from '../formats/dicom-file';

// A folder of scans -> one entry per scan: each picture, each NIfTI file, each DICOM series (its files grouped by
// SeriesInstanceUID, wherever they lie). A file that cannot be grouped is a scan of its own, to become an error row.

type ScanKind = 'image' | 'nifti' | 'dicom-series' | 'dicom-image';

export interface Scan {
  /** The CSV's key: a file's path relative to the folder, or for a DICOM series "<folder of its first file>/#series-<n>". */
  name: string;
  kind: ScanKind;
  /** Absolute paths: one file, or every file of a series in name order. */
  files: string[];
  /** Why the scan cannot be analysed, found while grouping (a damaged DICOM header). */
  problem?: string;
}

const IMAGE = /\.(png|jpe?g|tiff?|webp)$/i;
const NIFTI = /\.nii(\.gz)?$/i;
// enough for the header of nearly every DICOM file; a longer header is read whole
const HEADER_PREFIX_BYTES = 64 * 1024;

function walk(folder: string, into: string[] = []): string[] {
  for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) walk(full, into);
    else if (entry.isFile()) into.push(full);
  }
  return into;
}

function readPrefix(file: string, bytes: number): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const buffer = new Uint8Array(Math.min(bytes, statSync(file).size));
    readSync(fd, buffer, 0, buffer.length, 0);
    return buffer;
  } finally {
    closeSync(fd);
  }
}

function identity(file: string, readWhole: (file: string) => Uint8Array) {
  try {
    return readDicomIdentity(readPrefix(file, HEADER_PREFIX_BYTES), 'The file');
  } catch {
    return readDicomIdentity(readWhole(file), 'The file'); // a header longer than the prefix, or a damaged file (throws again)
  }
}

export interface FoundScans {
  scans: Scan[];
  /** Files that are none of the above (notes, spreadsheets, DICOMDIR indexes). */
  skipped: number;
}

export function findScans(folder: string, readWhole: (file: string) => Uint8Array): FoundScans {
  const root = path.resolve(folder);
  const relative = (file: string) => path.relative(root, file).split(path.sep).join('/');
  const scans: Scan[] = [];
  const series = new Map<string, { files: string[]; seriesNumber: number | null }>();
  let skipped = 0;
  for (const file of walk(root)) {
    if (IMAGE.test(file)) scans.push({ name: relative(file), kind: 'image', files: [file] });
    else if (NIFTI.test(file)) scans.push({ name: relative(file), kind: 'nifti', files: [file] });
    else if (isDicom(readPrefix(file, 132))) {
      try {
        const { seriesUid, seriesNumber, isMediaDirectory } = identity(file, readWhole);
        if (isMediaDirectory) skipped++;
        else series.set(seriesUid, { files: [...(series.get(seriesUid)?.files ?? []), file], seriesNumber });
      } catch (error) {
        scans.push({ name: relative(file), kind: 'dicom-image', files: [file], problem: (error as Error).message });
      }
    } else skipped++;
  }
  const taken = new Set<string>();
  for (const { files, seriesNumber } of series.values()) {
    const base = `${path.posix.dirname(relative(files[0]))}/#series-${seriesNumber ?? 'unnumbered'}`;
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.add(name);
    scans.push(files.length === 1 ? { name: relative(files[0]), kind: 'dicom-image', files } : { name, kind: 'dicom-series', files });
  }
  return { scans: scans.sort((a, b) => a.name.localeCompare(b.name)), skipped };
}
