import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// The app's answers recorded from one tree, and how a later tree's answers are compared with them: what varies between
// two runs of the same tree (durations, the event loop's delay) is taken out, large base64 is kept as its sha256.

export const RECORDING = process.env.RECORD_ANSWERS === '1';

export const recordingFile = (name: string) => path.join(process.cwd(), 'e2e', 'recorded', name);

// base64 that is only worth comparing byte for byte: mask PNGs and the volume's mask .nii.gz
const BASE64_KEYS = new Set(['png', 'maskNiftiBase64']);

// timingsMs {decode, …, total}, the event loop's p50Ms/p99Ms/maxMs in /api/health: durations, different on every run;
// only values are taken out, so that the OpenAPI document keeps its timingsMs and eventLoopDelay schemas
const isNumber = (value: unknown) => typeof value === 'number';
const isDuration = (key: string, value: unknown) =>
  /(Ms|Seconds)$/.test(key) && (isNumber(value) || (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every(isNumber)));

export const sha256 = (data: string | Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** A JSON answer as it is recorded: without durations, base64 as its hash, keys in sorted order. */
export function normaliseAnswer(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normaliseAnswer);
  if (value === null || typeof value !== 'object') return value;
  const kept = Object.entries(value)
    .filter(([key, inner]) => !isDuration(key, inner))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, inner]) => [key, BASE64_KEYS.has(key) && typeof inner === 'string' ? sha256(Buffer.from(inner, 'base64')) : normaliseAnswer(inner)]);
  return Object.fromEntries(kept);
}

// "Analysed in 412 ms (model 130 ms)", "9.8 s (model 6.1 s)": how long this run took, not what it found
const DURATION_TEXT = /\d[\d,.]*\s*(ms|s)\b/g;

/** A page's visible text as it is recorded: durations masked, trailing spaces gone. */
export function normalisePageText(text: string): string {
  return text.replace(DURATION_TEXT, '# $1').replace(/[ \t]+$/gm, '');
}

const describe = (value: unknown) => {
  const text = JSON.stringify(value);
  return text === undefined ? 'nothing' : text.length > 120 ? `${text.slice(0, 120)}…` : text;
};

/** A page's text differs by a line: name the first one, not the page's first 120 characters. */
function firstDifferentLine(recorded: string, now: string, at: string): string {
  const [a, b] = [recorded.split('\n'), now.split('\n')];
  const line = a.findIndex((text, i) => text !== b[i]);
  const i = line === -1 ? a.length : line;
  return `${at} line ${i + 1}: recorded ${describe(a[i])} but now ${describe(b[i])}`;
}

/** The first place where two recorded values differ, as "$.path: recorded … but now …", or null when they are equal. */
export function firstDifference(recorded: unknown, now: unknown, at = '$'): string | null {
  const differs = () => `${at}: recorded ${describe(recorded)} but now ${describe(now)}`;
  if (recorded === now) return null;
  if (typeof recorded === 'string' && typeof now === 'string' && recorded.includes('\n')) return firstDifferentLine(recorded, now, at);
  if (typeof recorded !== 'object' || typeof now !== 'object' || recorded === null || now === null) return differs();
  if (Array.isArray(recorded) !== Array.isArray(now)) return differs();
  if (Array.isArray(recorded) && Array.isArray(now)) {
    for (let i = 0; i < Math.max(recorded.length, now.length); i++) {
      const difference = firstDifference(recorded[i], now[i], `${at}[${i}]`);
      if (difference) return difference;
    }
    return null;
  }
  const [a, b] = [recorded as Record<string, unknown>, now as Record<string, unknown>];
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const difference = firstDifference(a[key], b[key], `${at}.${key}`);
    if (difference) return difference;
  }
  return null;
}

/** One recording file: read in compare mode, filled case by case and written whole in record mode. */
export class Recording {
  private readonly file: string;
  private readonly recorded: Record<string, unknown>;
  private readonly fresh: Record<string, unknown> = {};

  constructor(name: string) {
    this.file = recordingFile(name);
    this.recorded = !RECORDING && existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, unknown>) : {};
  }

  /** Record mode: keep the answer. Compare mode: the first difference from the recorded answer, or null. */
  answer(caseName: string, answer: unknown): string | null {
    if (RECORDING) {
      this.fresh[caseName] = answer;
      return null;
    }
    if (!(caseName in this.recorded)) return `no recorded answer for "${caseName}": run npm run record-answers on the tree to compare with`;
    return firstDifference(this.recorded[caseName], answer);
  }

  recordedCases(): string[] {
    return Object.keys(this.recorded);
  }

  /** Record mode: write every case's answer, in the order asked; refuses a recording with cases missing. */
  save(caseNames: string[]): void {
    const missing = caseNames.filter((name) => !(name in this.fresh));
    if (missing.length) throw new Error(`not writing ${this.file}: no answer for ${missing.join(', ')}`);
    mkdirSync(path.dirname(this.file), { recursive: true });
    const ordered = Object.fromEntries(caseNames.map((name) => [name, this.fresh[name]]));
    writeFileSync(this.file, `${JSON.stringify(ordered, null, 2)}\n`);
  }
}
