// The three error tiers: bad input (4xx, shown as is), a busy server (503), and the model missing (a setup fault).

export type UploadErrorStatus = 400 | 403 | 408 | 411 | 413 | 415 | 422;

/** Something wrong with what was uploaded; the message is written for the person who sent it. */
export class UploadError extends Error {
  constructor(message: string, readonly status: UploadErrorStatus = 400) {
    super(message);
    this.name = 'UploadError';
  }
}

/** Two files in one field is ambiguous: refused rather than silently analysing one of them. */
export function tooManyFiles(field: string, count?: number): UploadError {
  return new UploadError(count ? `Send one file in the field "${field}", not ${count}.` : `Send one file in each field (${field}).`, 400);
}

/** Too many analyses waiting; the client should try again shortly. */
export class ServerBusyError extends Error {
  readonly status = 503;
  constructor(readonly retryAfterSeconds: number) {
    super('The server is busy analysing other images. Please try again in a few seconds.');
    this.name = 'ServerBusyError';
  }
}

/** The model files are missing or do not match the manifest: a deployment fault, not the user's. */
export class ModelUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelUnavailableError';
  }
}

// Told apart by name, not by class: the start-up warm-up (instrumentation.ts) is bundled apart from the routes, so each
// class exists twice in one process, and the shared queue, memory budget and models throw the copy that made them.
export const named = (error: unknown, ...names: string[]) => error instanceof Error && names.includes(error.name);

/** Bad input, the guards' refusals (analysis/mri-guard.ts, analysis/volume-guard.ts) included. */
export const isUploadError = (error: unknown): error is UploadError => named(error, 'UploadError', 'NotBrainMriError', 'VolumeRefusedError');
export const isServerBusyError = (error: unknown): error is ServerBusyError => named(error, 'ServerBusyError');
export const isModelUnavailableError = (error: unknown): error is ModelUnavailableError => named(error, 'ModelUnavailableError');

function isExpectedError(error: unknown): error is UploadError | ServerBusyError {
  return isUploadError(error) || isServerBusyError(error);
}

/**
 * For a form's action: the message to show for an expected problem, or for a missing model (logged in full).
 * Anything else is a bug and is thrown on to app/error.tsx.
 */
export function messageForPerson(error: unknown): string {
  if (isExpectedError(error)) return error.message;
  if (isModelUnavailableError(error)) {
    console.error(error);
    return 'The model is not available on this server right now. Please tell the operator.';
  }
  throw error;
}
