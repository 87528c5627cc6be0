// An API answer as the page's scripts read it: the body of a success, or the error's message for a person and whether
// the guard lets the volume be analysed anyway (lib/http/responses.ts: {"error": ..., "guard": {"overrulable": ...}}).

export interface Problem {
  message: string;
  overrulable: boolean;
}

type ApiReply<Body> = { ok: true; body: Body } | ({ ok: false } & Problem);

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null; // a proxy's HTML page, or a body cut off
  }
}

/** `failed`: what to say when the answer has no message of its own, e.g. "The report could not be made". */
export function readProblem(status: number, text: string, failed: string): Problem {
  const body = parsed(text) as { error?: unknown; guard?: { overrulable?: unknown } } | null;
  return {
    message: typeof body?.error === 'string' ? body.error : `${failed} (HTTP ${status}).`,
    overrulable: body?.guard?.overrulable === true,
  };
}

export function readReply<Body>(status: number, text: string, failed: string): ApiReply<Body> {
  const body = status >= 200 && status < 300 ? parsed(text) : null;
  if (body !== null && typeof body === 'object') return { ok: true, body: body as Body };
  return { ok: false, ...readProblem(status, text, failed) };
}
