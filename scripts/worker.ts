/**
 * A cohort worker: analyses, one at a time, the scans that `npm run analyse -- <folder> --out results.csv --queue URL`
 * puts in the queue. Run any number, on any machine that reaches Redis and sees the scans at the same paths.
 *
 *   npm run worker -- --queue redis://HOST:PORT [--lock-seconds 30]
 *
 * The queue may also come from QUEUE_URL (a password in an argument shows in the process list). Ctrl-C or SIGTERM
 * finishes the scan in hand, then exits; a second one exits at once, and the scan goes to another worker.
 */
import { queueConnection } from '../lib/queue/redis-url';
import { startScanWorker } from '../lib/queue/scan-worker';

const USAGE = 'usage: npm run worker -- --queue redis://HOST:PORT [--lock-seconds 30]   (or QUEUE_URL=redis://HOST:PORT npm run worker)';

function parseArguments(argv: string[]): { queue: string; lockSeconds: number } {
  let queue = process.env.QUEUE_URL;
  // BullMQ's own default: the lock is renewed every half of it while the scan runs
  let lockSeconds = 30;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--queue') queue = argv[++i];
    else if (argv[i] === '--lock-seconds') lockSeconds = Number(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
  }
  if (!queue) throw new Error(USAGE);
  if (!(lockSeconds >= 1 && lockSeconds <= 3600)) throw new Error(`--lock-seconds takes 1 to 3600 seconds\n${USAGE}`);
  return { queue, lockSeconds };
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const connection = queueConnection(options.queue);
  const worker = await startScanWorker(connection, {
    lockMs: options.lockSeconds * 1000,
    log: (line) => console.log(line),
    fatal: (message) => {
      console.error(message);
      process.exit(1);
    },
  });
  console.log(`${worker.name} takes scans from ${connection.shown}.`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log(`${worker.name}: ${signal}: finishing the scan in hand, then stopping (again to stop at once).`);
    await worker.close();
    console.log(`${worker.name}: stopped.`);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
