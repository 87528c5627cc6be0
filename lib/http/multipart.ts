import { Readable, Writable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import formidable, { errors as formidableErrors } from 'formidable';
import { UploadError } from '../errors';
import type { UploadedFile } from '../validation/upload';

// Streams a multipart body through formidable with limits enforced while it arrives; files stay in memory.

export interface MultipartLimits {
  maxTotalBytes: number;
  fileFields: readonly string[];
}

export interface ParsedMultipart {
  files: Record<string, UploadedFile>;
  fields: Record<string, string>;
}

const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

export async function parseMultipart(request: Request, limits: MultipartLimits): Promise<ParsedMultipart> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
    throw new UploadError(`Send the files as multipart/form-data (fields: ${limits.fileFields.join(', ')}).`, 415);
  }
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limits.maxTotalBytes + 64 * 1024) {
    throw new UploadError(`The upload is ${megabytes(declared)}; the limit is ${megabytes(limits.maxTotalBytes)}.`, 413);
  }
  if (!request.body) throw new UploadError('The request has no body.', 400);

  const buffers = new Map<string, Buffer[]>();
  const form = formidable({
    maxFiles: limits.fileFields.length,
    maxFileSize: limits.maxTotalBytes,
    maxTotalFileSize: limits.maxTotalBytes,
    maxFields: 8,
    maxFieldsSize: 64 * 1024,
    allowEmptyFiles: true,
    minFileSize: 0,
    filter: ({ name }) => name !== null && limits.fileFields.includes(name),
    // keep uploads in memory: nothing is written to disk
    fileWriteStreamHandler: (file) => {
      const chunks: Buffer[] = [];
      buffers.set((file as unknown as { newFilename: string }).newFilename, chunks);
      return new Writable({
        write(chunk: Buffer, _encoding, done) {
          chunks.push(chunk);
          done();
        },
      });
    },
  });

  const stream = Readable.fromWeb(request.body as unknown as WebReadableStream<Uint8Array>);
  const incoming = Object.assign(stream, { headers: Object.fromEntries(request.headers) });
  let parsed: [formidable.Fields, formidable.Files];
  try {
    parsed = await form.parse(incoming as never);
  } catch (error) {
    // Discard the rest rather than cancel: cancelling the body while Next is still filling it throws an uncaught
    // "ReadableStream is already closed" in the server process.
    stream.removeAllListeners('data');
    stream.on('error', () => {});
    stream.resume();
    const code = (error as { code?: number }).code;
    if (code === formidableErrors.biggerThanMaxFileSize || code === formidableErrors.biggerThanTotalMaxFileSize) {
      throw new UploadError(`The upload is larger than the limit of ${megabytes(limits.maxTotalBytes)}.`, 413);
    }
    if (code === formidableErrors.maxFilesExceeded) throw new UploadError(`Send at most one file per field (${limits.fileFields.join(', ')}).`, 400);
    throw new UploadError('The upload could not be read: the multipart body is malformed or was cut off.', 400);
  }

  const [fields, files] = parsed;
  const result: ParsedMultipart = { files: {}, fields: {} };
  for (const [name, list] of Object.entries(files)) {
    // two files in one field is ambiguous: refuse rather than silently analyse one of them
    if (list && list.length > 1) throw new UploadError(`Send one file in the ${name} field, not ${list.length}.`, 400);
    const file = list?.[0];
    if (!file) continue;
    const bytes = Buffer.concat(buffers.get(file.newFilename) ?? []);
    result.files[name] = { size: bytes.length, read: async () => new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) };
  }
  for (const [name, values] of Object.entries(fields)) if (values?.[0] !== undefined) result.fields[name] = values[0];
  return result;
}
