import { ModelUnavailableError, ServerBusyError, UploadError } from '../errors';

// JSON answers for the API: every error is {"error": "<message for a person>"} with its status.

export const noStore = { 'Cache-Control': 'no-store' };

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { ...noStore, ...headers } });
}

export function errorResponse(error: unknown): Response {
  if (error instanceof UploadError) return json({ error: error.message }, error.status);
  if (error instanceof ServerBusyError) return json({ error: error.message }, 503, { 'Retry-After': String(error.retryAfterSeconds) });
  if (error instanceof ModelUnavailableError) {
    console.error(error);
    return json({ error: 'The model is not available on this server. The operator has been told.' }, 503);
  }
  console.error(error);
  return json({ error: 'Something went wrong on the server while analysing the upload.' }, 500);
}
