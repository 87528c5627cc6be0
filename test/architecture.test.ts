import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';

// The house's rules, read from the code's own imports (type-only ones and the @/ alias count): lib/ imports only
// downward, nothing imports in a circle, and tests, e2e and scripts share helpers only through testkit/.

const root = path.resolve(import.meta.dirname, '..');
const SOURCE = /\.(ts|tsx|mjs|cjs)$/;
const TOP = ['app', 'lib', 'testkit', 'scripts', 'e2e', 'test'];

// A lib folder may import its own folder and any of lower rank; the files at lib/'s top are the floor.
const LIB_RANKS: Record<string, number> = {
  '': 0, runtime: 1, model: 1, codecs: 1, evaluation: 1, examples: 1, imaging: 2, volume: 3, formats: 4, report: 4, analysis: 5, answers: 6, validation: 6, http: 7, cohort: 7, queue: 8,
};

function sourceFiles(folder: string): string[] {
  return readdirSync(path.join(root, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && SOURCE.test(entry.name) && !entry.parentPath.includes('node_modules'))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

function resolveImport(from: string, specifier: string): string | null {
  let base: string;
  if (specifier.startsWith('@/')) base = path.join(root, specifier.slice(2));
  else if (specifier.startsWith('.')) base = path.resolve(root, path.dirname(from), specifier);
  else return null; // a package
  for (const candidate of [base, ...['.ts', '.tsx', '.mjs', '.cjs'].map((ext) => base + ext), path.join(base, 'index.ts')]) {
    if (existsSync(candidate) && SOURCE.test(candidate)) return path.relative(root, candidate);
  }
  return null;
}

const IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"])([^'"\n]+)\1/gm;

/** file -> the repository files it imports. */
export function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(path.join(root, file), 'utf8');
    const targets = new Set<string>();
    for (const match of text.matchAll(IMPORT)) {
      const target = resolveImport(file, match[2]);
      if (target && target !== file) targets.add(target);
    }
    graph.set(file, [...targets]);
  }
  return graph;
}

/** Every circle of imports, each as the files around it (depth-first search; a grey node met again closes a circle). */
export function findCircles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const circles: string[][] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') circles.push(stack.slice(stack.indexOf(next)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return circles;
}

const libFolder = (file: string) => (file.split('/').length === 2 ? '' : file.split('/')[1]);
const top = (file: string) => (file.includes('/') ? file.split('/')[0] : '');

/** What an import breaks, or null when it is allowed. */
export function brokenRule(from: string, to: string): string | null {
  const [fromTop, toTop] = [top(from), top(to)];
  if (fromTop === 'lib') {
    if (toTop !== 'lib') return `lib/ imports ${toTop || 'the root'}/`;
    const [a, b] = [libFolder(from), libFolder(to)];
    if (a === b) return null;
    if (!(a in LIB_RANKS) || !(b in LIB_RANKS)) return `lib/${a || b}/ has no rank: give it one in test/architecture.test.ts`;
    return LIB_RANKS[b] < LIB_RANKS[a] ? null : `lib/${a}/ imports lib/${b}/, which is not below it`;
  }
  if (fromTop === 'testkit' && !['lib', 'testkit'].includes(toTop)) return `testkit/ imports ${toTop}/`;
  if ((fromTop === 'scripts' || fromTop === 'e2e') && !['lib', 'testkit', fromTop].includes(toTop)) return `${fromTop}/ imports ${toTop}/`;
  return null;
}

const graph = importGraph(TOP.flatMap(sourceFiles).concat(['proxy.ts', 'next.config.ts', 'instrumentation.ts']));

test('no import circles', () => {
  assert.deepEqual(findCircles(graph), []);
});

test('a planted circle is found', () => {
  const planted = new Map(graph);
  planted.set('lib/errors.ts', [...(graph.get('lib/errors.ts') ?? []), 'lib/analysis/mri-guard.ts']);
  const circles = findCircles(planted);
  assert.ok(circles.some((circle) => circle.includes('lib/errors.ts') && circle.includes('lib/analysis/mri-guard.ts')), JSON.stringify(circles));
});

test('lib/ imports only downward; testkit, scripts and e2e share code only through lib/ and testkit/', () => {
  const broken = [...graph].flatMap(([from, targets]) => targets.map((to) => [from, to, brokenRule(from, to)]).filter(([, , rule]) => rule));
  assert.deepEqual(broken, []);
});

test('the rules catch an import that runs back up, and one between scripts and e2e', () => {
  assert.match(brokenRule('lib/formats/dicom-zip.ts', 'lib/analysis/analyse-volume.ts') ?? '', /not below it/);
  assert.match(brokenRule('lib/errors.ts', 'lib/analysis/mri-guard.ts') ?? '', /not below it/);
  assert.match(brokenRule('lib/model/manifest.ts', 'app/page.tsx') ?? '', /lib\/ imports app/);
  assert.match(brokenRule('scripts/bench.ts', 'e2e/slice.spec.ts') ?? '', /scripts\/ imports e2e/);
  assert.equal(brokenRule('e2e/slice.spec.ts', 'testkit/client.ts'), null);
});
