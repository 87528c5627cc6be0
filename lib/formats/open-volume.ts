import { UploadError } from '../errors';
import type { Reservation } from '../runtime/memory-budget';
import { isDicom } from './dicom-file';
import { openDicomSeries, type DicomSeriesInfo } from './dicom-series';
import { isZip, unzipFiles } from './dicom-zip';
import { openNifti } from './nifti-read';
import type { ScalarVolume } from '../volume/scalar-volume';

// Whatever a volume field holds -> one volume, opened in two steps (headers, then voxels) so memory is admitted between:
// one NIfTI file, the files of a DICOM series, or one .zip of them. What the bytes are decides, never a file's name.

export interface OpenedVolume {
  dims: [number, number, number];
  /** Bytes read() allocates beyond the uploaded files. */
  readBytes: number;
  /** The DICOM series the volume came from; null for NIfTI. */
  series: DicomSeriesInfo | null;
  /** The DICOM files say their pixels went through lossy compression; false for NIfTI, which does not say. */
  lossyCompression: boolean;
  read(): Promise<ScalarVolume>;
}

/**
 * `consume`: the caller hands the files over, and a DICOM series whose files lie one after another in one buffer (the
 * multipart parser keeps a field's files so) is stacked in that buffer rather than copied. A zip's entries are always ours.
 */
export async function openVolume(files: Uint8Array[], label: string, memory?: Reservation, consume = false): Promise<OpenedVolume> {
  if (files.length === 0) throw new UploadError(`${label} is missing.`, 400);
  if (files.length === 1 && isZip(files[0])) {
    const entries = await unzipFiles(files[0], `${label} (.zip)`, memory);
    return fromDicom(entries, label, (n, total) => `Entry ${n} of ${total} in the .zip`, true);
  }
  if (files.length > 1 || isDicom(files[0])) return fromDicom(files, label, (n, total) => `File ${n} of ${total}`, consume);
  const nifti = await openNifti(files[0], label);
  return { dims: nifti.header.dims, readBytes: nifti.readBytes, series: null, lossyCompression: false, read: () => nifti.read() };
}

function fromDicom(files: Uint8Array[], label: string, fileLabel: (n: number, total: number) => string, consume: boolean): OpenedVolume {
  const series = openDicomSeries(files, label.replace(/volume$/, 'series'), fileLabel, consume);
  return { dims: series.dims, readBytes: series.readBytes, series: series.series, lossyCompression: series.lossyCompression, read: () => series.read() };
}
