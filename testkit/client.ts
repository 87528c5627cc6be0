import path from 'node:path';

// The small HTTP client that tests and scripts share: fixtures, multipart bodies, the API's and the form's doors.

export const fixture = (name: string) => path.join(process.cwd(), 'e2e', 'fixtures', name);

export interface UploadFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

export interface RawRequest {
  headers: Record<string, string>;
  body?: Buffer | ReadableStream<Uint8Array>;
}

export const BOUNDARY = '----hostile-corpus-boundary';

export interface Part {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer | string;
}

// Browsers percent-encode these three in a part's name and file name (HTML's multipart/form-data encoding).
const escapeName = (name: string) => name.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');

export function multipartBody(parts: Part[], boundary = BOUNDARY, close = true): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const filename = part.filename !== undefined ? `; filename="${escapeName(part.filename)}"` : '';
    const disposition = `form-data; name="${escapeName(part.name)}"${filename}`;
    const type = part.contentType ? `\r\nContent-Type: ${part.contentType}` : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`), Buffer.from(part.data), Buffer.from('\r\n'));
  }
  if (close) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

export const multipartHeaders = (boundary = BOUNDARY) => ({ 'content-type': `multipart/form-data; boundary=${boundary}` });

export async function sliceActionId(baseURL: string): Promise<string> {
  const html = await (await fetch(`${baseURL}/predict`)).text();
  const id = /\$ACTION_1:0" value="\{&quot;id&quot;:&quot;([0-9a-f]+)&quot;/.exec(html)?.[1];
  if (!id) throw new Error('no server action id on /predict');
  return id;
}

export type FormOutcome =
  | { status: 'error'; message: string }
  | { status: 'done'; labels: string[]; probabilities: string[]; areas: number[] }
  | { status: 'unknown'; text: string };

/** Reads the action's answer out of the React Server Components stream. */
function readFormOutcome(payload: string): FormOutcome {
  const error = /"status":"error","message":("(?:[^"\\]|\\.)*")/.exec(payload);
  if (error) return { status: 'error', message: JSON.parse(error[1]) as string };
  // refused by proxy.ts before the action ran: a plain page with the message
  const refused = /data-testid="upload-error">([^<]*)</.exec(payload);
  if (refused) return { status: 'error', message: refused[1] };
  if (payload.includes('"status":"done"')) {
    return {
      status: 'done',
      labels: [...payload.matchAll(/"data-testid":"label","children":"([^"]+)"/g)].map((m) => m[1]),
      probabilities: [...payload.matchAll(/"data-testid":"probability","children":"([^"]+)"/g)].map((m) => m[1]),
      areas: [...payload.matchAll(/"data-testid":"area","children":\["([\d,]+)"/g)].map((m) => Number(m[1].replace(/,/g, ''))),
    };
  }
  return { status: 'unknown', text: payload.slice(0, 500) };
}

/** The form's body as Chromium sends it for a useActionState call: the state, then the FormData as "$K1" with "_1_" names. */
export function sliceFormRequest(file: UploadFile | null, reading = 'auto'): RawRequest {
  const noFile: Omit<Part, 'name'> = { filename: '', contentType: 'application/octet-stream', data: '' };
  const parts: Part[] = [
    file ? { name: '_1_flair', filename: file.name, contentType: file.mimeType, data: file.buffer } : { name: '_1_flair', ...noFile },
    { name: '_1_t1', ...noFile },
    { name: '_1_t1c', ...noFile },
    { name: '_1_reading', data: reading },
    { name: '0', data: JSON.stringify([{ status: 'idle' }, '$K1']) },
  ];
  return { headers: multipartHeaders(), body: multipartBody(parts) };
}

export async function postSliceForm(baseURL: string, actionId: string, request: RawRequest): Promise<{ status: number; outcome: FormOutcome }> {
  const response = await fetch(`${baseURL}/predict`, {
    method: 'POST',
    headers: { ...request.headers, 'Next-Action': actionId, Accept: 'text/x-component' },
    body: request.body,
    duplex: 'half',
  } as RequestInit);
  return { status: response.status, outcome: readFormOutcome(await response.text()) };
}

/** The API's door. */
export async function postApi(baseURL: string, body: FormData | RawRequest): Promise<Response> {
  if (body instanceof FormData) return fetch(`${baseURL}/api/predict`, { method: 'POST', body });
  return fetch(`${baseURL}/api/predict`, { method: 'POST', headers: body.headers, body: body.body, duplex: 'half' } as RequestInit);
}

export function apiFormData(file: UploadFile): FormData {
  const form = new FormData();
  form.append('flair', new Blob([new Uint8Array(file.buffer)], { type: file.mimeType }), file.name);
  return form;
}
