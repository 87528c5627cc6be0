import { ServerBusyError } from '../errors';
import { MAX_QUEUED_ANALYSES, RETRY_AFTER_SECONDS } from '../limits';

/**
 * At most `concurrency` tasks run at once; at most `capacity` are admitted in all.
 * Beyond capacity a task is refused at once (503) instead of piling up memory.
 */
export class Gate {
  private running = 0;
  private admitted = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly concurrency: number, private readonly capacity: number) {}

  get size(): number {
    return this.admitted;
  }

  /** Reserve a place before any costly work (decoding); release it when the request is done. */
  admit(): () => void {
    if (this.admitted >= this.capacity) throw new ServerBusyError(RETRY_AFTER_SECONDS);
    this.admitted++;
    let released = false;
    return () => {
      if (!released) {
        released = true;
        this.admitted--;
      }
    };
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

const globalForQueue = globalThis as unknown as { __inferenceGate?: Gate };

// One inference at a time: the session uses every core for each one.
export const inferenceGate = (globalForQueue.__inferenceGate ??= new Gate(1, MAX_QUEUED_ANALYSES));
