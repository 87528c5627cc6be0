import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pauseTraining } from '../testkit/pause-training';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(path.join(tmpdir(), 'pause-training-'));
const children: ChildProcess[] = [];
// a stand-in for a training run: node runs a file named training/train.py as a script that waits
mkdirSync(path.join(dir, 'training'));
mkdirSync(path.join(dir, 'other'));
for (const file of ['training/train.py', 'training/guard_train.py', 'other/sleep.js']) {
  writeFileSync(path.join(dir, file), 'setInterval(() => {}, 1 << 30);\n');
}

after(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, condition: () => boolean, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !condition(); await sleep(20)) {
    if (Date.now() > end) assert.fail(`waited ${ms} ms for ${what}`);
  }
}

/** The process's state letter in /proc/PID/stat: T when stopped. */
function state(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/** Starts `node <script>` in cwd and waits until the process runs it (just after the fork it still shows this one's command). */
async function start(script: string, cwd: string): Promise<number> {
  const child = spawn(process.execPath, [script], { cwd, stdio: 'ignore' });
  children.push(child);
  const pid = child.pid!;
  await until(`${script} to run`, () => cmdline(pid).includes(script));
  return pid;
}

function listPids(...pids: number[]): string {
  const file = path.join(dir, `training-${pids.join('-')}.pid`);
  writeFileSync(file, pids.map((pid) => `${pid}\n`).join(''));
  process.env.TRAINING_PID_FILE = file;
  return file;
}

test('the listed training runs are stopped (state T) and continued, once, however often resume is called', async () => {
  const run = await start('training/train.py', dir); // cmdline names training/train.py
  const fromInside = await start('guard_train.py', path.join(dir, 'training')); // read against its working folder
  listPids(run, fromInside);
  const resume = pauseTraining();
  await until('both runs to stop', () => state(run) === 'T' && state(fromInside) === 'T');
  resume();
  await until('both runs to continue', () => state(run) !== 'T' && state(fromInside) !== 'T');
  resume();
  await sleep(100);
  assert.notEqual(state(run), 'T');
});

test('a pause inside another holds the run until the outer one resumes', async () => {
  const run = await start('training/train.py', dir);
  listPids(run);
  const outer = pauseTraining();
  const inner = pauseTraining();
  await until('the run to stop', () => state(run) === 'T');
  inner();
  await sleep(200);
  assert.equal(state(run), 'T');
  outer();
  await until('the run to continue', () => state(run) !== 'T');
});

test('a listed pid that is not a training script, or no process at all, is left alone', async () => {
  const unrelated = await start('other/sleep.js', dir);
  listPids(unrelated, 4_194_305); // above the largest pid Linux gives
  const resume = pauseTraining();
  await sleep(500); // a stop would show by now
  assert.notEqual(state(unrelated), 'T');
  resume();
  assert.notEqual(state(unrelated), 'T');
});

test('without a pid file there is nothing to pause and resume does nothing', () => {
  process.env.TRAINING_PID_FILE = path.join(dir, 'no-such.pid');
  const resume = pauseTraining();
  resume();
  resume();
});

for (const ending of ['SIGTERM', 'SIGINT', 'uncaught exception', 'normal exit'] as const) {
  test(`a pausing process that ends by ${ending} continues the run first`, async () => {
    const run = await start('training/train.py', dir);
    const file = listPids(run);
    const script = path.join(dir, `pauser-${ending.replace(/ /g, '-')}.ts`);
    writeFileSync(
      script,
      [
        `import { pauseTraining } from ${JSON.stringify(pathToFileURL(path.join(REPO_ROOT, 'testkit/pause-training.ts')).href)};`,
        'pauseTraining();',
        "process.stdout.write('paused\\n');",
        // the signal or a line on stdin ends it; until then a timer or the stdin listener keeps it alive
        ending === 'uncaught exception' ? "process.stdin.once('data', () => { throw new Error('boom'); });" : '',
        ending === 'normal exit' ? "process.stdin.once('data', () => process.stdin.destroy());" : '',
        ending.startsWith('SIG') ? 'setInterval(() => {}, 1000);' : '',
      ].join('\n'),
    );
    const pauser = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: REPO_ROOT,
      env: { ...process.env, TRAINING_PID_FILE: file },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.push(pauser);
    const ended = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => pauser.on('exit', (code, signal) => resolve([code, signal])));
    let out = '';
    pauser.stdout!.on('data', (chunk) => (out += chunk));
    await until('the pausing process to pause', () => out.includes('paused'), 20_000);
    await until('the run to stop', () => state(run) === 'T'); // a run waiting for a CPU stops when it next gets one
    if (ending === 'SIGTERM' || ending === 'SIGINT') pauser.kill(ending);
    else pauser.stdin!.write('end\n');
    const [code, signal] = await ended;
    if (ending === 'SIGTERM' || ending === 'SIGINT') assert.deepEqual([code, signal], [null, ending]); // the default: ended by it
    else assert.deepEqual([code, signal], [ending === 'uncaught exception' ? 1 : 0, null]);
    await until('the run to continue', () => state(run) !== 'T');
  });
}
