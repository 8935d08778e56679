/**
 * Frappe's error envelope, as `frappe.utils.response.report_error` builds it for /api/* (API v1):
 * `exc_type`, `exception` and `_server_messages`. `_server_messages` is a JSON string of a list of JSON
 * strings, each a msgprint dict, all serialized by Python's `json.dumps` (", " / ": " separators and
 * ASCII-only output). Clients that parse the real thing must parse this too, so we reproduce it exactly.
 */
export interface FrappeMessage {
  message: string;
  title?: string;
  indicator?: string;
  raise_exception?: 1;
}

export interface FrappeErrorBody {
  exc_type: string;
  exception?: string;
  _server_messages?: string;
}

export interface FrappeError {
  status: number;
  body: FrappeErrorBody;
  headers?: Record<string, string>;
}

/** Python's `json.dumps` with default arguments, for the flat values Frappe puts in messages. */
export function pyJsonDumps(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${pyJsonDumps(k)}: ${pyJsonDumps(v)}`).join(', ')}}`;
  }
  // ensure_ascii=True: every non-ASCII code unit becomes \uXXXX (surrogate pairs stay pairs, as in Python).
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function serverMessages(messages: FrappeMessage[]): string {
  return pyJsonDumps(messages.map((m) => pyJsonDumps(m)));
}

/** `frappe.throw(message, exc)`: the exception plus one red msgprint. */
export function frappeThrow(
  status: number,
  excType: string,
  message: string,
  extra: { title?: string; exception?: string } = {},
): FrappeError {
  return {
    status,
    body: {
      exc_type: excType,
      exception: extra.exception ?? `frappe.exceptions.${excType}: ${message}`,
      _server_messages: serverMessages([
        { message, title: extra.title ?? 'Message', indicator: 'red', raise_exception: 1 },
      ]),
    },
  };
}

export const FrappeErrors = {
  /** A bare `raise frappe.AuthenticationError` from validate_auth: no msgprint. */
  authentication: (): FrappeError => ({
    status: 401,
    body: { exc_type: 'AuthenticationError', exception: 'frappe.exceptions.AuthenticationError' },
  }),
  /** Guest (no Authorization header) calling a non-guest method or reading a DocType. */
  notPermitted: (): FrappeError => frappeThrow(403, 'PermissionError', 'Not permitted', { title: 'Not Permitted' }),
  docTypeNotFound: (doctype: string): FrappeError =>
    frappeThrow(404, 'DoesNotExistError', `DocType ${doctype} not found`),
  docNotFound: (doctype: string, name: string): FrappeError =>
    frappeThrow(404, 'DoesNotExistError', `${doctype} ${name} not found`),
  /** Raised by db_insert on a primary-key violation, after a msgprint titled "Duplicate Name". */
  duplicate: (doctype: string, name: string): FrappeError =>
    frappeThrow(409, 'DuplicateEntryError', `${doctype} <strong>${name}</strong> already exists`, {
      title: 'Duplicate Name',
      exception: `frappe.exceptions.DuplicateEntryError: ('${doctype}', '${name}', IntegrityError(1062, "Duplicate entry '${name}' for key 'PRIMARY'"))`,
    }),
  validation: (message: string, excType = 'ValidationError', title?: string): FrappeError =>
    frappeThrow(417, excType, message, { title }),
  /** Uncaught Python exceptions (e.g. a JSON body that does not parse) fall through to HTTP 500. */
  internal: (excType: string, detail: string): FrappeError => ({
    status: 500,
    body: { exc_type: excType, exception: `${excType}: ${detail}` },
  }),
  /** Frappe's own rate limiter (frappe.rate_limiter) answers 429 with Retry-After. */
  tooManyRequests: (retryAfter?: string): FrappeError => ({
    ...frappeThrow(429, 'TooManyRequestsError', 'You hit the rate limit because of too many requests. Please try after sometime.'),
    headers: retryAfter === undefined ? undefined : { 'retry-after': retryAfter },
  }),
} as const;
