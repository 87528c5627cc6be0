// A browser without JavaScript posts the volume form's "Analyse and download the report (PDF)" straight to the API: when
// that fails, the person gets a page with the message and a way back, not the JSON a program reads. Plain HTML: the API's
// Content-Security-Policy allows no inline style.

/** A top-level navigation (a form posted without JavaScript), not a program or a fetch. */
export const isPageNavigation = (request: Request) => request.headers.get('sec-fetch-mode') === 'navigate';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The same status and message as the JSON error, as a small page that links back to the form it came from. */
export async function errorPage(json: Response, backTo: string): Promise<Response> {
  const { error } = (await json.json()) as { error: string };
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>The report could not be made</title></head><body>
<h1>The report could not be made</h1><p role="alert">${escape(error)}</p>
<p><a href="${escape(backTo)}">Back to the form</a></p></body></html>`;
  const headers = new Headers(json.headers);
  headers.set('Content-Type', 'text/html; charset=utf-8');
  return new Response(body, { status: json.status, headers });
}
