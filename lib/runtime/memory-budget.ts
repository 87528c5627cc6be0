import { ServerBusyError, UploadError } from '../errors';
import { megabytes } from '../format';
import { MEMORY_BUDGET_BYTES, RETRY_AFTER_SECONDS } from '../limits';
import { collectGarbage } from './collect-garbage';

const LARGE_BYTES = 16 * 1024 * 1024;

/**
 * Requests are admitted by the memory they will hold, not by their number: a request reserves its body as it arrives
 * and what decoding will take as soon as a header says so, before that memory is allocated. Past the budget the answer
 * is 503 with Retry-After; a request that could never fit, even alone, is 413. A body of declared length may first wait
 * a little for room, unread: waiting costs nothing, while a refused upload still arrives and must be read to be
 * discarded (an answer on a closed connection never reaches the client).
 */
export class MemoryBudget {
  private used = 0;
  private readonly waiting: Array<{ bytes: number; admit(): void }> = [];

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

  /** @internal Waits up to `waitMs` for room for `bytes`, first come first served; then holds them, or throws like take. */
  async takeWhenFree(bytes: number, whole: number, waitMs: number): Promise<void> {
    if (whole > this.totalBytes || this.used + bytes <= this.totalBytes || waitMs <= 0) return this.take(bytes, whole);
    const granted = await new Promise<boolean>((resolve) => {
      const entry = { bytes, admit: () => resolve(true) };
      this.waiting.push(entry);
      setTimeout(() => {
        const at = this.waiting.indexOf(entry);
        if (at >= 0) this.waiting.splice(at, 1);
        resolve(false);
      }, waitMs);
    });
    if (!granted) this.take(bytes, whole); // one last try; busy if there is still no room
  }

  /** @internal */
  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
    // the bytes given back are still allocated until V8 collects them: do that before a waiter allocates its own
    if (this.waiting.length && bytes >= LARGE_BYTES) collectGarbage();
    // hand the room to the waiters in order, as long as the first of them fits
    while (this.waiting.length && this.used + this.waiting[0].bytes <= this.totalBytes) {
      const next = this.waiting.shift()!;
      this.used += next.bytes;
      next.admit();
    }
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

  /** As growTo, but waits up to `waitMs` for room before answering busy. */
  async growToWhenFree(bytes: number, waitMs: number): Promise<void> {
    const more = bytes - this.held;
    if (more <= 0 || this.released) return;
    await this.budget.takeWhenFree(more, bytes, waitMs);
    this.held += more;
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
