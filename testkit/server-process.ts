import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

// A production server of our own, for the tests that must watch the process itself: its memory, its logs, its temp dir.

export interface ServerProcess {
  url: string;
  pid: number;
  /** The server's own temporary directory (TMPDIR), empty when it starts. */
  tmpdir: string;
  /** Everything the server printed so far. */
  output(): string;
  stop(): Promise<void>;
}

export interface Memory {
  rssMb: number;
  peakRssMb: number;
}

/** Resident and peak resident memory of a process, from /proc (Linux). */
export function processMemory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kilobytes('VmRSS') / 1024, peakRssMb: kilobytes('VmHWM') / 1024 };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** `next start` from the built .next folder, on a free loopback port, until its health check answers. */
export interface ServerOptions {
  cwd?: string;
  port?: number;
  env?: Record<string, string>;
  /** Flags for node itself, e.g. --cpu-prof (not allowed in NODE_OPTIONS). */
  nodeArgs?: string[];
  readyWithinMs?: number;
}

export async function startServer(options: ServerOptions = {}): Promise<ServerProcess> {
  const cwd = options.cwd ?? process.cwd();
  const port = options.port ?? (await freePort());
  const tmpdir = mkdtempSync(path.join(os.tmpdir(), 'server-tmp-'));
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), path.join(cwd, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd,
    // MALLOC_ARENA_MAX as `npm start` and the Dockerfile run it (docs/deploy.md)
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ORT_DISABLE_TELEMETRY: '1', MALLOC_ARENA_MAX: '2', TMPDIR: tmpdir, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyWithinMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`next start did not become healthy:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    url,
    pid: child.pid!,
    tmpdir,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killed);
    },
  };
}
