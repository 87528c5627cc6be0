import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { analyseScans } from '../lib/analysis/analyse-scans';
import { volumeApiBody } from '../lib/answers/volume-answer';
import { isVolumeRefusedError } from '../lib/analysis/volume-guard';

// A scan with an earlier scan or a T1c, through the server's own code: the comparison, and a refused
// earlier scan or T1c named as such. Runs the real models.

const fixture = (name: string) => new Uint8Array(readFileSync(`e2e/fixtures/${name}`));

test('the same scan as its own baseline: no change, stable by both measures', async () => {
  const flair = fixture('brats-pat0001-flair.nii.gz');
  const { analysis, baseline } = await analyseScans({ flair: [flair], baseline: [flair], force: false });
  const body = await volumeApiBody(analysis, baseline);
  assert.deepEqual([body.followUp?.changeMl, body.followUp?.volumetricCategory, body.followUp?.bidimensionalCategory], [0, 'stable', 'stable']);
  assert.equal(body.followUp?.baselineVolumeMl, body.tumourVolumeMl);
});

test('an earlier scan that the volume guard refuses is named as the earlier scan', async () => {
  await assert.rejects(
    analyseScans({ flair: [fixture('brats-pat0001-flair.nii.gz')], baseline: [fixture('brats-pat0001-labels.nii.gz')], force: true }),
    (error: unknown) => isVolumeRefusedError(error) && /^The earlier scan \(baseline\) cannot be analysed: it is a label map/.test(error.message),
  );
});

test('a label map sent as the T1c volume is refused by name, as the T1c', async () => {
  await assert.rejects(
    analyseScans({ flair: [fixture('brats-pat0001-flair.nii.gz')], t1c: fixture('brats-pat0001-labels.nii.gz'), force: false }),
    (error: unknown) => isVolumeRefusedError(error) && /^The T1c volume cannot be analysed: it is a label map/.test(error.message),
  );
});
