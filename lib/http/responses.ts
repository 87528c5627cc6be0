import { errorBody, guardedErrorBody, volumeGuardedErrorBody } from '../answers/error-answer';
import { isNotBrainMriError } from '../analysis/mri-guard';
import { isVolumeRefusedError } from '../analysis/volume-guard';
import { isModelUnavailableError, isServerBusyError, isUploadError } from '../errors';

// JSON answers for the API: every error is {"error": "<message for a person>"} with its status; the guard's 422 adds
// {"guard": {...}} so that a program can decide whether to send the picture again with force=true (answers/error-schema.ts).

const noStore = { 'Cache-Control': 'no-store' };

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { ...noStore, ...headers } });
}

/** A document to download (the volume report); nothing of it is stored. */
export function pdf(bytes: Uint8Array<ArrayBuffer>, fileName: string): Response {
  return new Response(bytes, {
    headers: { ...noStore, 'Content-Type': 'application/pdf', 'Content-Disposition': `attachment; filename="${fileName}"`, 'Content-Length': String(bytes.length) },
  });
}

export function errorResponse(error: unknown): Response {
  if (isNotBrainMriError(error)) return json(guardedErrorBody(error.message, error.guard), error.status);
  if (isVolumeRefusedError(error)) return json(volumeGuardedErrorBody(error.message, error.guard), error.status);
  if (isUploadError(error)) return json(errorBody(error.message), error.status);
  if (isServerBusyError(error)) return json(errorBody(error.message), 503, { 'Retry-After': String(error.retryAfterSeconds) });
  if (isModelUnavailableError(error)) {
    console.error(error);
    return json(errorBody('The model is not available on this server. The operator has been told.'), 503);
  }
  console.error(error);
  return json(errorBody('Something went wrong on the server while analysing the upload.'), 500);
}
