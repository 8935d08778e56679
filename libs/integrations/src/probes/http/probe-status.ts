import { ProbeFailure } from '../probe-failure';
import type { ProbeHttpResponse } from './probe-http.client';

export interface StatusHints {
  /** What a 401 means for this provider ("the API key or secret was rejected"). */
  auth?: string;
  /** What a 403 means ("the token lacks the r_organization_admin scope"). */
  permission?: string;
}

/**
 * A non-2xx answer → a classified failure. The body is never quoted: providers echo request data (and so,
 * sometimes, credentials) in error bodies.
 */
export function statusFailure(label: string, response: ProbeHttpResponse, hints: StatusHints = {}): ProbeFailure {
  const status = response.status;
  if (status === 401) return new ProbeFailure('auth', `${label} answered 401: ${hints.auth ?? 'the credentials were rejected'}`);
  if (status === 403) return new ProbeFailure('permission', `${label} answered 403: ${hints.permission ?? 'the credentials are valid but not allowed to do this'}`);
  if (status === 429) {
    const retryAfter = header(response, 'retry-after');
    return new ProbeFailure('rate_limited', `${label} answered 429: rate limited${retryAfter && /^[\d.]+$/.test(retryAfter) ? `, retry after ${retryAfter} s` : ''}`);
  }
  if (status === 404) return new ProbeFailure('protocol', `${label} answered 404: the endpoint does not exist at this base URL (check the URL and API version)`);
  if (status >= 300 && status < 400) return new ProbeFailure('protocol', `${label} answered ${status} (a redirect): check the base URL (http vs https, path)`);
  if (status >= 500) return new ProbeFailure('unreachable', `${label} answered ${status}: the provider is failing or unavailable`);
  return new ProbeFailure('protocol', `${label} answered an unexpected ${status}`);
}

/** The body as JSON, or a protocol failure (a login page, a proxy's HTML). */
export function jsonBody(label: string, response: ProbeHttpResponse): unknown {
  try {
    return JSON.parse(response.text) as unknown;
  } catch {
    throw new ProbeFailure('protocol', `${label} answered ${response.status} with a body that is not JSON: is the base URL the API's?`);
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function unexpectedBody(label: string, what: string): ProbeFailure {
  return new ProbeFailure('protocol', `${label} answered with an unexpected body (${what})`);
}

export function header(response: ProbeHttpResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function isSuccess(response: ProbeHttpResponse): boolean {
  return response.status >= 200 && response.status < 300;
}
