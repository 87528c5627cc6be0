// What the page's scripts post to the API: only the upload's fields (not the hidden fields React adds for the server
// action), and no empty file input (a browser sends one as a nameless empty file).

const SENT_FIELDS = ['flair', 't1c', 'baseline', 'example'];

/** The API's door for the report as a PDF: the form's second button, the result's button, and its form without JavaScript. */
export const REPORT_URL = '/api/volume?format=pdf';

/** `force`: send the volume again, analysed even if the guard flags it. */
export function uploadBody(submission: FormData, force = false): FormData {
  const body = new FormData();
  for (const name of SENT_FIELDS) {
    for (const value of submission.getAll(name)) {
      if (typeof value !== 'string' && value.size === 0 && value.name === '') continue;
      body.append(name, value);
    }
  }
  if (force || submission.get('force') === 'true') body.set('force', 'true');
  return body;
}

/** The page's example, by name: the browser holds no file of it, so the server reads its own copy. */
export function exampleSubmission(name: string): FormData {
  const submission = new FormData();
  submission.set('example', name);
  return submission;
}
