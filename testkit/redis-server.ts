import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

// A real redis-server of the test's own, on a free loopback port with a temporary folder, for the queue's tests and bench.

export interface RedisProcess {
  port: number;
  url: string;
  /** Stops it as an operator would (SIGTERM: an append-only file is flushed first). */
  stop(): Promise<void>;
  /** Starts it again on the same port and folder, with the same settings. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  remove(): Promise<void>;
}

/** Why the queue's tests cannot run here, or null. Under CI they always run: a missing redis-server fails them. */
export function redisMissing(): string | null {
  if (process.env.CI) return null;
  return spawnSync('redis-server', ['--version']).status === 0 ? null : 'redis-server is not installed (apt-get install redis-server)';
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function freePortFrom(first: number): Promise<number> {
  for (let port = first; port < first + 200; port++) if (await portIsFree(port)) return port;
  throw new Error(`no free port from ${first}`);
}

export interface RedisOptions {
  password?: string;
  /** An append-only file, synced on every write: the queue survives a restart of Redis. */
  appendOnly?: boolean;
}

export async function startRedis(options: RedisOptions = {}): Promise<RedisProcess> {
  const port = await freePortFrom(Number(process.env.REDIS_TEST_PORT ?? 6391));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'redis-test-'));
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--maxmemory-policy', 'noeviction',
    '--appendonly', options.appendOnly ? 'yes' : 'no', '--appendfsync', 'always',
    ...(options.password ? ['--requirepass', options.password] : []),
  ];
  let child: ChildProcess | null = null;
  let output = '';
  const auth = options.password ? `:${options.password}@` : '';
  const redis: RedisProcess = {
    port,
    url: `redis://${auth}127.0.0.1:${port}`,
    async start() {
      output = '';
      let failed = false;
      child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (chunk) => (output += chunk));
      child.stderr!.on('data', (chunk) => (output += chunk));
      // not installed: under CI that fails the test, with this message
      child.once('error', (error) => {
        failed = true;
        output += `${error.message} (apt-get install redis-server)`;
      });
      for (let waited = 0; !/Ready to accept connections/.test(output); waited += 50) {
        if (waited > 10_000 || failed || child.exitCode !== null) throw new Error(`redis-server did not start on port ${port}:\n${output}`);
        await sleep(50);
      }
    },
    async stop() {
      const running = child;
      child = null;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      await exited;
    },
    async remove() {
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await redis.start();
  return redis;
}
