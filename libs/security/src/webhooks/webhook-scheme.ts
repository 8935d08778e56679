/**
 * The contract every webhook signature scheme implements (stripe, github, shopify, slack, standard-webhooks,
 * frappe, generic-hmac). webhook-ingress calls, per request and in this order:
 *   1. `verify` on the raw bytes — before the body is parsed; cheap checks (headers, timestamp) first;
 *   2. (ingress parses the body only if verify said ok)
 *   3. `identify` — the provider's event id and type from headers and the parsed body.
 * Schemes are pure and synchronous: no I/O, `node:crypto` only, constant-time comparisons.
 */
export const SchemeNames = ['stripe', 'github', 'shopify', 'slack', 'standard-webhooks', 'frappe', 'generic-hmac'] as const;
export type SchemeName = (typeof SchemeNames)[number];

/** Node's incoming headers: lower-case names. */
export type IncomingHeaders = Readonly<Record<string, string | string[] | undefined>>;

export interface GenericHmacOptions {
  /** Header carrying the signature, e.g. `x-signature`. */
  signatureHeader: string;
  algorithm: 'sha1' | 'sha256' | 'sha512';
  encoding: 'hex' | 'base64';
  /** Stripped from the header value before comparing, e.g. `sha256=`. */
  prefix?: string;
  /** Header with a unix timestamp (seconds); when set, the timestamp is required and checked against the tolerance. */
  timestampHeader?: string;
  /** What is signed; `{timestamp}`, `{id}` and `{body}` are replaced. Default `{body}`. */
  signedPayload?: string;
  /** Header with the provider's event id (dedupe key); default: a hash of timestamp + body. */
  idHeader?: string;
  /** Header with the event type; else `typeField` (a top-level body field); else `webhook`. */
  typeHeader?: string;
  typeField?: string;
}

export interface VerifyInput {
  readonly headers: IncomingHeaders;
  readonly rawBody: Buffer;
  /** Every active secret of the endpoint, already prepared by `prepareKey`. Any one matching is enough. */
  readonly keys: readonly Buffer[];
  readonly nowSeconds: number;
  /** Seconds a signed timestamp may lie in the past and in the future. */
  readonly tolerance: { readonly pastSeconds: number; readonly futureSeconds: number };
  /** generic-hmac only (validated by `parseOptions`). */
  readonly options?: GenericHmacOptions;
}

export type VerifyFailureCode = 'MISSING_SIGNATURE' | 'INVALID_SIGNATURE' | 'TIMESTAMP_OUT_OF_TOLERANCE';

export type VerifyResult =
  | { readonly ok: true; /** The signed timestamp (unix seconds), where the scheme has one. */ readonly timestamp?: number }
  | { readonly ok: false; readonly code: VerifyFailureCode; /** Human, and never contains a secret or a computed signature. */ readonly message: string };

export interface EventIdentity {
  readonly eventId: string;
  readonly eventType: string;
}

export interface WebhookScheme {
  readonly name: SchemeName;
  /**
   * A stored secret (as the provider shows it: `whsec_…`, a client secret, …) turned into the HMAC key once,
   * when the endpoint is loaded. Throws on a secret the scheme cannot use (e.g. bad base64 after `whsec_`).
   */
  prepareKey(secret: string): Buffer;
  verify(input: VerifyInput): VerifyResult;
  /** After a successful verify and parse. `body` is the parsed JSON (or form fields). Never throws. */
  identify(input: { headers: IncomingHeaders; body: unknown; rawBody: Buffer; timestamp?: number; options?: GenericHmacOptions }): EventIdentity;
  /** Headers carried on `webhooks.received` (lower-case). Never a signature or authorization header. */
  readonly forwardedHeaders: readonly string[];
}
