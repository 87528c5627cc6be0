import assert from 'node:assert/strict';
import { UploadError } from '../lib/errors';

/** `work` is refused as bad input: an UploadError with this status and a message that matches. */
export async function assertUploadError(work: () => unknown, status: number, message: RegExp): Promise<void> {
  await assert.rejects(async () => work(), (error: unknown) => {
    assert.ok(error instanceof UploadError, `expected an UploadError, got ${error}`);
    assert.equal(error.status, status, error.message);
    assert.match(error.message, message);
    return true;
  });
}
