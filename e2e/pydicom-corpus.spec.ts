import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';

// Every regular file of pydicom's test corpus (Debian's python3-pydicom; .ci/run installs it), files nobody here wrote,
// through both routes: each answer's status against a committed table, and never a 5xx. RECORD_STATUSES=1 writes the
// table instead (after a change that means to move a status: look at the diff).

const CORPUS = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
const TABLE = path.join(process.cwd(), 'e2e', 'recorded', 'pydicom-statuses.json');
const recording = process.env.RECORD_STATUSES === '1';

test.skip(!existsSync(CORPUS) && !process.env.CI, 'pydicom\'s test files are not installed (apt-get install python3-pydicom)');

const files = existsSync(CORPUS)
  ? readdirSync(CORPUS, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())
    .map((entry) => path.relative(CORPUS, path.join(entry.parentPath, entry.name))).sort()
  : [];

test('every file of pydicom\'s corpus gets its recorded status from /api/predict and /api/volume, never a 5xx', async ({ baseURL }) => {
  test.setTimeout(240_000);
  expect(files.length).toBeGreaterThan(100);
  const statuses: Record<string, { predict: number; volume: number }> = {};
  for (const name of files) {
    const post = async (route: string) => {
      const form = new FormData();
      form.append('flair', new Blob([new Uint8Array(readFileSync(path.join(CORPUS, name)))]), 'upload.dcm');
      const response = await fetch(`${baseURL}${route}`, { method: 'POST', body: form });
      await response.arrayBuffer();
      return response.status;
    };
    statuses[name] = { predict: await post('/api/predict'), volume: await post('/api/volume') };
  }
  const failing = Object.entries(statuses).filter(([, s]) => s.predict >= 500 || s.volume >= 500);
  expect(failing, 'answered with a 5xx').toEqual([]);
  if (recording) {
    writeFileSync(TABLE, `${JSON.stringify(statuses, null, 1)}\n`);
    return;
  }
  expect(statuses).toEqual(JSON.parse(readFileSync(TABLE, 'utf8')));
});
