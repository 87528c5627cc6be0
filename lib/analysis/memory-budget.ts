import { ServerBusyError, UploadError } from '../errors';
import { megabytes } from '../format';
import { MEMORY_BUDGET_BYTES, RETRY_AFTER_SECONDS } from '../limits';

/**
 * Requests are admitted by the memory they will hold, not by their number: a request reserves its body as it arrives
 * and what decoding will take as soon as a header says so, before that memory is allocated. Past the budget the answer
 * is 503 with Retry-After; a request that could never fit, even alone, is 413.
 */
export class MemoryBudget {
  private used = 0;

  constructor(readonly totalBytes: number) {}

  get usedBytes(): number {
    return this.used;
  }

  reserve(bytes = 0): Reservation {
    const reservation = new Reservation(this);
    reservation.grow(bytes);
    return reservation;
  }

  /** @internal `whole` is all the request would then hold: beyond the budget it could never be admitted. */
  take(bytes: number, whole: number): void {
    if (whole > this.totalBytes) {
      throw new UploadError(`This upload needs about ${megabytes(whole)} of memory to analyse; this server allows ${megabytes(this.totalBytes)} for one analysis.`, 413);
    }
    if (this.used + bytes > this.totalBytes) throw new ServerBusyError(RETRY_AFTER_SECONDS);
    this.used += bytes;
  }

  /** @internal */
  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}

export class Reservation {
  private held = 0;
  private released = false;

  constructor(private readonly budget: MemoryBudget) {}

  get bytes(): number {
    return this.held;
  }

  /** Reserve `bytes` more, or throw (503 busy, 413 never fits) without holding them. */
  grow(bytes: number): void {
    if (bytes <= 0 || this.released) return;
    this.budget.take(bytes, this.held + bytes);
    this.held += bytes;
  }

  /** Hold at least `bytes` in all. */
  growTo(bytes: number): void {
    this.grow(bytes - this.held);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.budget.give(this.held);
    this.held = 0;
  }
}

const globalForBudget = globalThis as unknown as { __memoryBudget?: MemoryBudget };

export const memoryBudget = (globalForBudget.__memoryBudget ??= new MemoryBudget(MEMORY_BUDGET_BYTES));
