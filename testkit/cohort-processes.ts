import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

// The cohort command and its workers as the processes a person starts, for the queue's tests and the bench.

const root = fileURLToPath(new URL('..', import.meta.url));

export interface Running {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr together. */
  output(): string;
  exited: Promise<number | null>;
}

/** `node --import tsx scripts/<name>.ts ...args` from the repository root. */
export function runScript(script: string, args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('scripts', `${script}.ts`), ...args], {
    cwd: root,
    env: { ...process.env, FORCE_COLOR: '0', NEXT_TELEMETRY_DISABLED: '1', ORT_DISABLE_TELEMETRY: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

export async function until(what: string, check: () => boolean | Promise<boolean>, withinMs = 120_000): Promise<void> {
  for (const started = Date.now(); !(await check()); await sleep(100)) {
    if (Date.now() - started > withinMs) throw new Error(`timed out waiting for ${what}`);
  }
}

/** `npm run worker` against the queue, once it has its model and is connected. */
export async function startWorker(queue: string, args: string[] = [], env: Record<string, string> = {}): Promise<Running> {
  const worker = runScript('worker', ['--queue', queue, ...args], env);
  await until('the worker to start', () => / takes scans from /.test(worker.output()) || worker.child.exitCode !== null);
  if (worker.child.exitCode !== null) throw new Error(`the worker stopped: ${worker.output()}`);
  return worker;
}

/** SIGTERM, as an operator stops a worker: each finishes its scan in hand. */
export async function stopWorkers(workers: Running[]): Promise<void> {
  for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGTERM');
  await Promise.all(workers.map((worker) => worker.exited));
}
