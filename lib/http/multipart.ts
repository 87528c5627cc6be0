import { Readable, Transform, Writable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import formidable, { errors as formidableErrors, multipart } from 'formidable';
import { isServerBusyError, isUploadError, tooManyFiles, UploadError } from '../errors';
import { megabytes } from '../format';
import { ADMISSION_WAIT_MS, BODY_IDLE_TIMEOUT_MS, MULTIPART_OVERHEAD_BYTES } from '../limits';
import type { Reservation } from '../runtime/memory-budget';
import type { UploadedFile } from '../validation/upload';
import { ByteSink } from './byte-sink';

// Streams a multipart body through formidable with every limit enforced while it arrives; files stay in memory.

export interface MultipartLimits {
  maxTotalBytes: number;
  fileFields: readonly string[];
  /** Fields that may hold several files (the files of a DICOM series), and how many files the request may hold in all. */
  multiFileFields?: readonly string[];
  maxFiles?: number;
  /** The request's memory: the body is reserved as it arrives (the declared length up front). */
  memory: Reservation;
}

export interface ParsedMultipart {
  files: Record<string, UploadedFile>;
  /** Every file of each field in multiFileFields, in the order they came. */
  fileLists: Record<string, UploadedFile[]>;
  fields: Record<string, string>;
}

const MAX_FIELDS_BYTES = 64 * 1024;

/** The boundary of a multipart/form-data body; the media type must be exactly that, not merely contain it. */
function multipartBoundary(contentType: string | null, fileFields: readonly string[]): string {
  const [mediaType, ...parameters] = (contentType ?? '').split(';');
  if (mediaType.trim().toLowerCase() !== 'multipart/form-data') {
    throw new UploadError(`Send the files as multipart/form-data (fields: ${fileFields.join(', ')}).`, 415);
  }
  const boundary = parameters.map((p) => p.trim()).find((p) => p.toLowerCase().startsWith('boundary='))?.slice('boundary='.length).replace(/^"(.*)"$/, '$1');
  if (!boundary || boundary.length > 70) throw new UploadError('The multipart/form-data body has no valid boundary in its Content-Type.', 400);
  return boundary;
}

/** Counts body bytes whether or not a length was declared, reserves them, and cuts off a body that stops moving. */
function guardedBody(body: ReadableStream<Uint8Array>, limit: number, memory: Reservation, declared: number | null): Readable {
  let received = 0;
  let idle: NodeJS.Timeout | undefined;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received > limit) return done(new UploadError(`The upload is larger than the limit of ${megabytes(limit - MULTIPART_OVERHEAD_BYTES)}.`, 413));
      try {
        if (declared === null || received > declared) memory.growTo(received);
      } catch (error) {
        return done(error as Error);
      }
      arm();
      done(null, chunk);
    },
    flush(done) {
      clearTimeout(idle);
      done();
    },
  });
  const source = Readable.fromWeb(body as unknown as WebReadableStream<Uint8Array>);
  const arm = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      const error = new UploadError(`The upload stopped: nothing arrived for ${BODY_IDLE_TIMEOUT_MS / 1000} seconds.`, 408);
      counter.destroy(error);
      source.destroy(error);
    }, BODY_IDLE_TIMEOUT_MS);
  };
  arm();
  counter.on('close', () => clearTimeout(idle));
  // errors of the source end the counter too; the rest of a refused body is discarded, not read into memory
  source.on('error', (error) => counter.destroy(error));
  return source.pipe(counter);
}

function toUploadError(error: unknown, limits: MultipartLimits): Error {
  if (isUploadError(error) || isServerBusyError(error)) return error as Error;
  const code = (error as { code?: number }).code;
  if (code === formidableErrors.biggerThanMaxFileSize || code === formidableErrors.biggerThanTotalMaxFileSize) {
    return new UploadError(`The upload is larger than the limit of ${megabytes(limits.maxTotalBytes)}.`, 413);
  }
  if (code === formidableErrors.maxFilesExceeded) return tooManyFiles(limits.fileFields.join(', '));
  if (code === formidableErrors.maxFieldsExceeded) return new UploadError('The upload could not be read: it has too many text fields.', 400);
  if (code === formidableErrors.maxFieldsSizeExceeded) return new UploadError('The upload\'s text fields are too large.', 413);
  return new UploadError('The upload could not be read: the multipart body is malformed or was cut off.', 400);
}

export async function parseMultipart(request: Request, limits: MultipartLimits): Promise<ParsedMultipart> {
  const contentType = request.headers.get('content-type');
  multipartBoundary(contentType, limits.fileFields);
  const limit = limits.maxTotalBytes + MULTIPART_OVERHEAD_BYTES;
  const lengthHeader = request.headers.get('content-length');
  const declared = lengthHeader !== null && /^\d{1,15}$/.test(lengthHeader.trim()) ? Number(lengthHeader) : null;
  if (declared !== null && declared > limit) {
    throw new UploadError(`The upload is ${megabytes(declared)}; the limit is ${megabytes(limits.maxTotalBytes)}.`, 413);
  }
  if (!request.body) throw new UploadError('The request has no body.', 400);
  // a body that does not fit yet waits, unread, for a little while: a refused one would have to be read to be discarded
  if (declared !== null) await limits.memory.growToWhenFree(declared, ADMISSION_WAIT_MS);

  // Each file its own buffer, except the files of a field that takes several: they share one, one after another, so
  // that a DICOM series can be stacked inside it with no second copy.
  const sinks = new Map<string, ByteSink>();
  const fieldSinks = new Map<string, ByteSink>();
  const ranges = new Map<string, { sink: ByteSink; start: number; end: number }>();
  const fieldOf = new Map<string, string>();
  let preallocate = declared ?? 256 * 1024; // the declared length for the first file (usually the only one, or the series), then small
  const form = formidable({
    enabledPlugins: [multipart], // octet-stream, JSON and urlencoded bodies would be buffered whole
    maxFiles: limits.maxFiles ?? limits.fileFields.length,
    maxFileSize: limits.maxTotalBytes,
    maxTotalFileSize: limits.maxTotalBytes,
    maxFields: 8,
    maxFieldsSize: MAX_FIELDS_BYTES,
    allowEmptyFiles: true,
    minFileSize: 0,
    filter: ({ name }) => name !== null && limits.fileFields.includes(name),
    // keep uploads in memory: nothing is written to disk
    fileWriteStreamHandler: (file) => {
      const name = (file as unknown as { newFilename: string }).newFilename;
      const field = fieldOf.get(name) ?? '';
      const shared = limits.multiFileFields?.includes(field);
      // the single files before this one are complete: the first may hold room for the whole body
      for (const done of sinks.values()) done.fit();
      let sink = shared ? fieldSinks.get(field) : undefined;
      if (!sink) {
        sink = new ByteSink(Math.min(preallocate, limit));
        preallocate = 256 * 1024;
        if (shared) fieldSinks.set(field, sink);
        else sinks.set(name, sink);
      }
      const range = { sink, start: sink.size, end: sink.size };
      ranges.set(name, range);
      return new Writable({
        write(chunk: Buffer, _encoding, done) {
          range.sink.write(chunk);
          range.end = range.sink.size;
          done();
        },
      });
    },
  });
  form.on('fileBegin', (field, file) => fieldOf.set(file.newFilename, field));
  // A file part without a Content-Type (Python's requests sends none) is still a file: read it by its bytes.
  const handlePart = (form as unknown as { _handlePart(part: { name: string | null; mimetype: string | null }): void })._handlePart.bind(form);
  form.onPart = (part) => {
    if (part.name !== null && limits.fileFields.includes(part.name) && !part.mimetype) part.mimetype = 'application/octet-stream';
    handlePart(part);
  };

  const body = guardedBody(request.body, limit, limits.memory, declared);
  const incoming = Object.assign(body, { headers: Object.fromEntries(request.headers) });
  let parsed: [formidable.Fields, formidable.Files];
  try {
    parsed = await form.parse(incoming as never);
  } catch (error) {
    body.destroy();
    throw toUploadError(error, limits);
  }

  const [fields, files] = parsed;
  const result: ParsedMultipart = { files: {}, fileLists: {}, fields: {} };
  for (const sink of [...sinks.values(), ...fieldSinks.values()]) sink.fit();
  const uploaded = (file: formidable.File): UploadedFile => {
    const range = ranges.get(file.newFilename);
    const bytes = range ? range.sink.bytes().subarray(range.start, range.end) : new Uint8Array(0);
    return { size: bytes.length, name: file.originalFilename ?? undefined, read: async () => bytes };
  };
  for (const [name, parts] of Object.entries(files)) {
    // a form posted without JavaScript sends a file input with no file chosen as an empty part with an empty file name
    const list = parts?.filter((file) => file.originalFilename || uploaded(file).size > 0);
    if (!list?.length) continue;
    if (limits.multiFileFields?.includes(name)) {
      result.fileLists[name] = list.map(uploaded);
      continue;
    }
    // two files in one field is ambiguous: refuse rather than silently analyse one of them
    if (list.length > 1) throw tooManyFiles(name, list.length);
    result.files[name] = uploaded(list[0]);
  }
  for (const [name, values] of Object.entries(fields)) if (values?.[0] !== undefined) result.fields[name] = values[0];
  return result;
}
