import { closeSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { isDicom, readDicomIdentity } from '../formats/dicom-file';

// A folder of scans -> one entry per scan: each picture, each NIfTI file, each DICOM series (its files grouped by
// SeriesInstanceUID, wherever they lie; an Enhanced MR file of several frames is a series on its own). A file that
// cannot be grouped is a scan of its own, to become an error row.
// Symbolic links are followed, each file and folder once by its real path; a link that leads back into a folder it lies
// in (a loop), or to nothing, becomes an error row of its own instead of a hang or a crash.

type ScanKind = 'image' | 'nifti' | 'dicom-series' | 'dicom-image' | 'link';

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

interface Walk {
  /** Real paths of every folder and file met so far: each is walked or listed once. */
  seen: Set<string>;
  files: string[];
  /** Links met and not yet followed, each with the real paths of the folders that hold it (a link to one is a loop). */
  links: Array<{ file: string; ancestors: string[] }>;
  /** Links that were not followed, with the reason. */
  broken: Array<{ file: string; problem: string }>;
  repeated: number;
}

const isInside = (inner: string, outer: string) => inner === outer || inner.startsWith(outer.endsWith(path.sep) ? outer : outer + path.sep);

/** Where a link leads, or why it is not followed. */
function followLink(file: string, ancestors: string[], describe: (real: string) => string): { real: string; isDirectory: boolean; isFile: boolean } | { problem: string } {
  let real: string;
  try {
    real = realpathSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: code === 'ELOOP' ? 'a symbolic link that leads back to itself (a loop): not followed' : 'a symbolic link to something that does not exist' };
  }
  const stats = statSync(real, { throwIfNoEntry: false });
  // a link to a folder that holds it, or to one that holds the whole cohort folder, would be walked forever
  if (stats?.isDirectory() && ancestors.some((folder) => isInside(folder, real))) {
    return { problem: `a symbolic link back to ${describe(real)}, which holds it (a loop): not followed` };
  }
  return { real, isDirectory: stats?.isDirectory() ?? false, isFile: stats?.isFile() ?? false };
}

/** Lists a folder's files, and its links to follow once every real folder has been walked (so a file keeps its own path). */
function walkFolder(folder: string, realFolder: string, ancestors: string[], walk: Walk): void {
  const chain = [...ancestors, realFolder];
  for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(folder, entry.name);
    if (entry.isSymbolicLink()) walk.links.push({ file: full, ancestors: chain });
    else if (entry.isDirectory() || entry.isFile()) visit(full, path.join(realFolder, entry.name), entry.isDirectory(), chain, walk);
  }
}

function visit(full: string, real: string, isDirectory: boolean, ancestors: string[], walk: Walk): void {
  if (walk.seen.has(real)) {
    walk.repeated++;
    return;
  }
  walk.seen.add(real);
  if (isDirectory) walkFolder(full, real, ancestors, walk);
  else walk.files.push(full);
}

/** Every file under the root, each once; links are followed after the real folders, a link at a time. */
function walkAll(root: string, realRoot: string, walk: Walk, describe: (real: string) => string): void {
  walkFolder(root, realRoot, [], walk);
  for (let next = walk.links.shift(); next; next = walk.links.shift()) {
    const target = followLink(next.file, next.ancestors, describe);
    if ('problem' in target) walk.broken.push({ file: next.file, problem: target.problem });
    else if (target.isDirectory || target.isFile) visit(next.file, target.real, target.isDirectory, next.ancestors, walk);
  }
}

// the order a sorted depth-first walk gives: folder by folder, names compared as the walk compares them
function byFolderOrder(a: string, b: string): number {
  const x = a.split(path.sep), y = b.split(path.sep);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const order = x[i].localeCompare(y[i]);
    if (order !== 0) return order;
  }
  return x.length - y.length;
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
  /** Files and folders met a second time through a symbolic link, and not listed again. */
  repeated: number;
}

export function findScans(folder: string, readWhole: (file: string) => Uint8Array): FoundScans {
  const root = path.resolve(folder);
  const relative = (file: string) => path.relative(root, file).split(path.sep).join('/');
  const scans: Scan[] = [];
  const series = new Map<string, { files: string[]; seriesNumber: number | null }>();
  let skipped = 0;
  const realRoot = realpathSync(root);
  const describe = (real: string) => {
    if (real === realRoot) return 'the cohort folder';
    if (isInside(real, realRoot)) return `"${relative(path.join(root, path.relative(realRoot, real)))}"`;
    return isInside(realRoot, real) ? 'a folder that holds the cohort folder' : `"${real}"`;
  };
  const walk: Walk = { seen: new Set([realRoot]), files: [], links: [], broken: [], repeated: 0 };
  walkAll(root, realRoot, walk, describe);
  for (const { file, problem } of walk.broken) scans.push({ name: relative(file), kind: 'link', files: [file], problem });
  for (const file of walk.files.sort(byFolderOrder)) {
    if (IMAGE.test(file)) scans.push({ name: relative(file), kind: 'image', files: [file] });
    else if (NIFTI.test(file)) scans.push({ name: relative(file), kind: 'nifti', files: [file] });
    else if (isDicom(readPrefix(file, 132))) {
      try {
        const { seriesUid, seriesNumber, isMediaDirectory, isEnhancedSeries } = identity(file, readWhole);
        if (isMediaDirectory) skipped++;
        else if (isEnhancedSeries) scans.push({ name: relative(file), kind: 'dicom-series', files: [file] }); // a whole series in one file
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
  return { scans: scans.sort((a, b) => a.name.localeCompare(b.name)), skipped, repeated: walk.repeated };
}
