/**
 * Pauses the training runs of this machine while a benchmark or an e2e run measures it, and continues them after.
 *
 *   const resume = pauseTraining();
 *   try { ... } finally { resume(); }
 *
 * A training script lists its pid in training/runs/.training.pid (training/common.py: one pid a line, the line gone when
 * it exits); TRAINING_PID_FILE names another file (relative paths from the repository root). Each listed process whose
 * /proc/PID/cmdline runs a script under a training/ folder gets SIGSTOP; any other pid (the run has ended and the pid was
 * reused) is left alone. `resume` sends SIGCONT once, however often it is called. The runs are continued too when this
 * process exits, ends on an uncaught exception, or gets SIGINT, SIGTERM or SIGHUP (after which the signal does what it
 * would have done). Nothing can continue them if this process is killed with SIGKILL: `kill -CONT <pid>` does.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const TRAINING_SCRIPT = /(^|\/)training\/[^/]+\.py$/;

/** How many pauses of this process hold each stopped pid: it is continued when the last one resumes. */
const holds = new Map<number, number>();

function log(line: string): void {
  process.stderr.write(`pause-training: ${line}\n`);
}

function pidFilePath(): string {
  return path.resolve(REPO_ROOT, process.env.TRAINING_PID_FILE || path.join('training', 'runs', '.training.pid'));
}

function listedPids(file: string): number[] | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return [...new Set(text.split(/\s+/).filter((word) => /^\d+$/.test(word)).map(Number))].filter((pid) => pid > 1 && pid !== process.pid);
}

/** The command line of pid when it runs a script under a training/ folder (read relative to its working folder), else null. */
function trainingCommand(pid: number): string | null {
  let args: string[];
  try {
    args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return null; // gone, or no /proc here
  }
  let cwd: string | null = null;
  try {
    cwd = readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    // another user's process: its relative paths are read as they stand
  }
  const script = args.slice(1).some((arg) => {
    const resolved = path.isAbsolute(arg) || cwd === null ? path.normalize(arg) : path.resolve(cwd, arg);
    return TRAINING_SCRIPT.test(resolved);
  });
  return script ? args.join(' ') : null;
}

function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false; // it has just ended
    throw error;
  }
}

function resumeAll(): void {
  const pids = [...holds.keys()];
  holds.clear();
  const continued = pids.filter((pid) => signal(pid, 'SIGCONT'));
  if (continued.length) log(`continued training pid ${continued.join(', ')}`);
}

function onSignal(name: NodeJS.Signals): void {
  resumeAll();
  process.removeListener(name, onSignal);
  if (process.listenerCount(name) === 0) process.kill(process.pid, name); // the signal's default, now that nothing is stopped
}

let exitHandlersInstalled = false;

function installHandlers(): void {
  if (!exitHandlersInstalled) {
    exitHandlersInstalled = true;
    process.on('exit', resumeAll);
    process.on('uncaughtExceptionMonitor', resumeAll); // observes only: the exception still ends the process as before
  }
  for (const name of SIGNALS) {
    if (!process.listeners(name).includes(onSignal)) process.on(name, onSignal);
  }
}

export function pauseTraining(): () => void {
  const file = pidFilePath();
  const pids = listedPids(file);
  if (pids === null) return () => {};
  const stopped: number[] = [];
  const described: string[] = [];
  for (const pid of pids) {
    const command = trainingCommand(pid);
    if (command === null) {
      log(`pid ${pid} in ${file} is not a training script now; left alone`);
      continue;
    }
    const held = holds.get(pid) ?? 0;
    if (held === 0 && !signal(pid, 'SIGSTOP')) continue;
    holds.set(pid, held + 1);
    stopped.push(pid);
    described.push(`${pid} (${command})`);
  }
  if (stopped.length === 0) return () => {};
  installHandlers();
  log(`paused training pid ${described.join(', ')}`);
  let resumed = false;
  return () => {
    if (resumed) return;
    resumed = true;
    const continued: number[] = [];
    for (const pid of stopped) {
      const held = holds.get(pid);
      if (held === undefined) continue; // already continued at a signal or by another path
      if (held > 1) {
        holds.set(pid, held - 1);
        continue;
      }
      holds.delete(pid);
      if (signal(pid, 'SIGCONT')) continued.push(pid);
    }
    if (continued.length) log(`continued training pid ${continued.join(', ')}`);
  };
}
