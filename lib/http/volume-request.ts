import type { VolumeUploads } from '../analysis/analyse-scans';
import { singleFileName } from '../answers/volume-page';
import { UploadError } from '../errors';
import { exampleFile } from '../examples/example-form';
import { MAX_DICOM_FILES, MAX_VOLUME_UPLOAD_BYTES } from '../limits';
import type { Reservation } from '../runtime/memory-budget';
import { parseVolumeUpload, type UploadedFile } from '../validation/upload';
import { parseMultipart, type ParsedMultipart } from './multipart';

// A volume request as both volume routes read it (/api/volume and the page's /api/volume/view): the multipart body
// within the volume limits, force from the body or the query, and the page's example by name in place of files.

export interface VolumeRequest {
  upload: VolumeUploads;
  /** The FLAIR file's name when it was sent as one file. */
  uploadName?: string;
  /** The name of the volume page's example that the request asked for instead of sending files, or null. */
  example: string | null;
  /** The text fields and the query, for what each route asks of its own (display, format). */
  option(name: string): string | undefined;
}

/** The example's file as if uploaded; a request that also sends files is ambiguous and refused. */
async function exampleFlair(name: string, parsed: ParsedMultipart, memory: Reservation): Promise<UploadedFile[]> {
  if (Object.keys(parsed.files).length > 0 || Object.keys(parsed.fileLists).length > 0) {
    throw new UploadError('Send either the files of a volume or the name of an example, not both.', 400);
  }
  const { name: fileName, bytes } = await exampleFile('/volume', name);
  memory.grow(bytes.length);
  return [{ size: bytes.length, name: fileName, read: async () => bytes }];
}

export async function readVolumeRequest(request: Request, memory: Reservation): Promise<VolumeRequest> {
  const parsed = await parseMultipart(request, {
    maxTotalBytes: MAX_VOLUME_UPLOAD_BYTES, fileFields: ['flair', 't1c', 'baseline'], multiFileFields: ['flair', 'baseline'],
    maxFiles: 2 * MAX_DICOM_FILES + 1, memory,
  });
  const query = new URL(request.url).searchParams;
  const option = (name: string) => parsed.fields[name] ?? query.get(name) ?? undefined;
  const example = parsed.fields.example;
  const flair = example === undefined ? parsed.fileLists.flair : await exampleFlair(example, parsed, memory);
  const upload = await parseVolumeUpload({ flair, t1c: parsed.files.t1c, baseline: parsed.fileLists.baseline, force: option('force') });
  return { upload, uploadName: singleFileName(flair), example: example ?? null, option };
}
