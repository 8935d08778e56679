/**
 * The one HTTP helper the connection probes use (undici). It returns status, headers and at most 64 KiB of body;
 * every transport failure leaves as a ProbeFailure (unreachable | timeout) whose message names the host only.
 */
import { request } from 'undici';
import { ProbeFailure } from '../probe-failure';

const MAX_BODY = 64 * 1024;

export interface ProbeHttpRequest {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Names the provider in messages ("ERPNext"). */
  label: string;
}

export interface ProbeHttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export async function probeHttp(req: ProbeHttpRequest): Promise<ProbeHttpResponse> {
  // userinfo in a configured URL would be sent as Basic auth by some clients and shown by others: never use it.
  const url = new URL(req.url);
  url.username = '';
  url.password = '';
  const signal = AbortSignal.timeout(req.timeoutMs);
  try {
    const res = await request(url, {
      method: req.method,
      headers: { accept: 'application/json', ...req.headers },
      body: req.body,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
      // undici 7's request() does not follow redirects: a 3xx is reported as such (statusFailure).
      signal,
    });
    const text = await readCapped(res.body);
    return { status: res.statusCode, headers: res.headers, text };
  } catch (error) {
    throw transportFailure(req.label, url, error, req.timeoutMs, signal.aborted);
  }
}

async function readCapped(body: AsyncIterable<Buffer | string> & { destroy?: () => void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    chunks.push(buf);
    size += buf.length;
    if (size >= MAX_BODY) {
      body.destroy?.();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8');
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID']);
const TIMEOUT = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT', 'ABORT_ERR', '23']);

/** undici / Node network errors → unreachable or timeout; the message names the host and the code, nothing else. */
export function transportFailure(label: string, url: URL, error: unknown, timeoutMs: number, aborted = false): ProbeFailure {
  const code = errorCode(error);
  const where = url.host;
  if (aborted || (code && TIMEOUT.has(code)) || (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))) {
    return new ProbeFailure('timeout', `${label}: no answer from ${where} within ${timeoutMs} ms`);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new ProbeFailure('unreachable', `${label}: the host ${url.hostname} could not be resolved (${code})`);
  if (code && UNREACHABLE.has(code)) return new ProbeFailure('unreachable', `${label}: could not reach ${where} (${code})`);
  return new ProbeFailure('unreachable', `${label}: could not reach ${where}${code ? ` (${code})` : ''}`);
}

function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' || typeof code === 'number') return String(code);
  }
  return undefined;
}
