import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { findScans } from '../lib/cohort/find-scans';

// The cohort command's folder walk over real symbolic links in a temporary folder: each file once by its real path, a
// link outside the folder followed, and loops and dangling links answered with a reason, not a hang.

const read = (file: string) => new Uint8Array(readFileSync(file));

function tree(files: string[]): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cohort-links-'));
  for (const file of files) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), 'a scan'); // the walk goes by name and header, never by a picture's content
  }
  return root;
}

const names = (found: ReturnType<typeof findScans>) => found.scans.map((scan) => scan.name);
const problemOf = (found: ReturnType<typeof findScans>, name: string) => found.scans.find((scan) => scan.name === name)?.problem ?? '';

test('a file reached through a link to its folder and a link to itself is listed once, under its own path', () => {
  const root = tree(['patients/a/flair.nii.gz', 'patients/b.png']);
  symlinkSync(path.join(root, 'patients'), path.join(root, 'again')); // a folder link, sorted before the real folder
  symlinkSync(path.join(root, 'patients/b.png'), path.join(root, 'b-copy.png'));
  symlinkSync('../b.png', path.join(root, 'patients/a/relative.png')); // a relative link
  const found = findScans(root, read);
  assert.deepEqual(names(found), ['patients/a/flair.nii.gz', 'patients/b.png']);
  assert.equal(found.repeated, 3);
  assert.equal(found.scans[0].files[0], path.join(root, 'patients/a/flair.nii.gz'));
});

test('links to a folder and a file outside the cohort folder are followed, named by the link', () => {
  const outside = tree(['series/one.nii.gz', 'single.png']);
  const root = tree(['own.png']);
  symlinkSync(path.join(outside, 'series'), path.join(root, 'linked-series'));
  symlinkSync(path.join(outside, 'single.png'), path.join(root, 'linked.png'));
  const found = findScans(root, read);
  assert.deepEqual(names(found), ['linked-series/one.nii.gz', 'linked.png', 'own.png']);
  assert.equal(found.scans[0].files[0], path.join(root, 'linked-series/one.nii.gz'));
});

test('a link back to a folder that holds it is a loop: an error row with the reason, and the walk ends', () => {
  const root = tree(['a/scan.png', 'a/b/deep.png']);
  symlinkSync(root, path.join(root, 'a/b/to-root')); // back to the cohort folder
  symlinkSync('..', path.join(root, 'a/b/up')); // back to a, relative
  symlinkSync(path.dirname(root), path.join(root, 'a/to-parent')); // to a folder that holds the cohort folder
  const found = findScans(root, read);
  assert.deepEqual(names(found), ['a/b/deep.png', 'a/b/to-root', 'a/b/up', 'a/scan.png', 'a/to-parent']);
  assert.match(problemOf(found, 'a/b/to-root'), /symbolic link back to the cohort folder, which holds it \(a loop\): not followed/);
  assert.match(problemOf(found, 'a/b/up'), /back to "a", which holds it \(a loop\)/);
  assert.match(problemOf(found, 'a/to-parent'), /back to a folder that holds the cohort folder/);
  assert.equal(found.scans.find((scan) => scan.name === 'a/b/up')?.kind, 'link');
});

test('a loop outside the cohort folder is found too, and links in a circle or to nothing become error rows', () => {
  const outside = tree(['x.png']);
  symlinkSync(outside, path.join(outside, 'self')); // outside/self -> outside
  const root = tree(['own.png']);
  symlinkSync(outside, path.join(root, 'outside'));
  symlinkSync(path.join(root, 'ring-b'), path.join(root, 'ring-a'));
  symlinkSync(path.join(root, 'ring-a'), path.join(root, 'ring-b'));
  symlinkSync(path.join(root, 'gone.nii.gz'), path.join(root, 'dangling.nii.gz'));
  const found = findScans(root, read);
  assert.deepEqual(names(found), ['dangling.nii.gz', 'outside/self', 'outside/x.png', 'own.png', 'ring-a', 'ring-b']);
  assert.match(problemOf(found, 'outside/self'), /back to ".*", which holds it \(a loop\)/);
  assert.match(problemOf(found, 'ring-a'), /leads back to itself \(a loop\)/);
  assert.match(problemOf(found, 'dangling.nii.gz'), /symbolic link to something that does not exist/);
});
