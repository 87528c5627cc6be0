import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readProblem, readReply } from '../app/ui/volume/api-reply';
import { exampleSubmission, uploadBody } from '../app/ui/volume/upload-body';
import { uploadPercent } from '../app/ui/volume/use-volume-request';

// The volume page's scripts: what they post to the API, how they read its answers, and the upload's percentage.

const file = (name: string, bytes: number) => new File([new Uint8Array(bytes)], name);

test('only the upload\'s fields are posted: no empty file input, no field React adds for the server action', () => {
  const submission = new FormData();
  submission.append('$ACTION_REF_1', '');
  submission.append('$ACTION_1:0', '{"id":"abc"}');
  submission.append('flair', file('IM1.dcm', 10));
  submission.append('flair', file('IM2.dcm', 12));
  submission.append('t1c', file('', 0)); // a file input left empty
  submission.append('baseline', file('earlier.nii.gz', 30));
  const body = uploadBody(submission);
  assert.deepEqual([...body.keys()], ['flair', 'flair', 'baseline']);
  assert.deepEqual(body.getAll('flair').map((value) => (value as File).name), ['IM1.dcm', 'IM2.dcm']);
  assert.equal(body.get('force'), null);
});

test('force goes along when asked, or when the form\'s own box said so; an example goes by its name alone', () => {
  const submission = new FormData();
  submission.append('flair', file('flair.nii.gz', 10));
  assert.equal(uploadBody(submission, true).get('force'), 'true');
  submission.append('force', 'true');
  assert.equal(uploadBody(submission).get('force'), 'true');
  const example = uploadBody(exampleSubmission('volume-flair'));
  assert.deepEqual([...example.entries()], [['example', 'volume-flair']]);
});

test('an answer is its body on success, else its message and whether the guard lets it be analysed anyway', () => {
  assert.deepEqual(readReply(200, '{"tumourVolumeMl":12.5}', 'The volume could not be analysed'), { ok: true, body: { tumourVolumeMl: 12.5 } });
  const flagged = JSON.stringify({ error: 'This does not look like a brain MRI volume: …', guard: { overrulable: true } });
  assert.deepEqual(readReply(422, flagged, 'x'), { ok: false, message: 'This does not look like a brain MRI volume: …', overrulable: true });
  const refused = JSON.stringify({ error: 'This volume cannot be analysed: a label map.', guard: { overrulable: false } });
  assert.deepEqual(readProblem(422, refused, 'x'), { message: 'This volume cannot be analysed: a label map.', overrulable: false });
  assert.deepEqual(readReply(415, '{"error":"The FLAIR volume is not a NIfTI-1 volume."}', 'x'), { ok: false, message: 'The FLAIR volume is not a NIfTI-1 volume.', overrulable: false });
});

test('an answer that is not the API\'s JSON (a proxy\'s page, a cut-off body) gets a message with its status', () => {
  assert.deepEqual(readReply(502, '<html>Bad gateway</html>', 'The volume could not be analysed'),
    { ok: false, message: 'The volume could not be analysed (HTTP 502).', overrulable: false });
  assert.deepEqual(readReply(200, '{"tumourVol', 'The volume could not be analysed'),
    { ok: false, message: 'The volume could not be analysed (HTTP 200).', overrulable: false });
  assert.equal(readProblem(500, '{"error": 42}', 'The report could not be made').message, 'The report could not be made (HTTP 500).');
});

test('the upload\'s percentage is whole, from 0 to 100, and 0 when nothing is known', () => {
  assert.equal(uploadPercent(0, 1000), 0);
  assert.equal(uploadPercent(999, 1000), 99);
  assert.equal(uploadPercent(1000, 1000), 100);
  assert.equal(uploadPercent(1200, 1000), 100);
  assert.equal(uploadPercent(500, 0), 0);
  assert.equal(uploadPercent(Number.NaN, 1000), 0);
});
