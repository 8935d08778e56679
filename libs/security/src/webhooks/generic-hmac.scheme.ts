import { z } from 'zod';
import { anyKeyMatches, checkTimestamp, fail, hmac, noKeys, readHeader, readSignatureList, utf8Key } from './hmac';
import { bodyString, identity } from './identity';
import type { GenericHmacOptions, IncomingHeaders, WebhookScheme } from './webhook-scheme';

const BODY = '{body}';
const headerName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'an HTTP header name');

/** An endpoint's `schemeOptions` for generic-hmac; header names come out lower-cased, as Node delivers them. */
export const genericHmacOptionsSchema = z
  .strictObject({
    signatureHeader: headerName,
    algorithm: z.enum(['sha1', 'sha256', 'sha512']),
    encoding: z.enum(['hex', 'base64']),
    // No comma or whitespace: a header's value is split on commas into several signatures.
    prefix: z.string().max(50).regex(/^[^,\s]*$/, 'no commas or whitespace').optional(),
    timestampHeader: headerName.optional(),
    signedPayload: z.string().min(1).max(500).refine((t) => t.includes(BODY), `must contain ${BODY}`).optional(),
    idHeader: headerName.optional(),
    typeHeader: headerName.optional(),
    typeField: z.string().min(1).max(100).optional(),
  })
  .superRefine((options, ctx) => {
    const template = options.signedPayload ?? BODY;
    if (template.includes('{timestamp}') && options.timestampHeader === undefined) {
      ctx.addIssue({ code: 'custom', path: ['signedPayload'], message: '{timestamp} needs timestampHeader' });
    }
    // A timestamp that is checked but not signed can be rewritten by anyone replaying the request.
    if (options.timestampHeader !== undefined && !template.includes('{timestamp}')) {
      ctx.addIssue({ code: 'custom', path: ['signedPayload'], message: 'timestampHeader needs {timestamp} in signedPayload' });
    }
    if (template.includes('{id}') && options.idHeader === undefined) {
      ctx.addIssue({ code: 'custom', path: ['signedPayload'], message: '{id} needs idHeader' });
    }
  }) satisfies z.ZodType<GenericHmacOptions>;

/**
 * The template around the raw body. Placeholders are substituted in one pass per literal segment, so a
 * header value that itself contains `{body}` or `{timestamp}` is signed as the literal text it is.
 */
function signedParts(template: string, values: { timestamp?: string; id?: string }, rawBody: Buffer): (string | Buffer)[] {
  return template.split(BODY).flatMap((segment, index) => {
    const literal = segment.replace(/\{(timestamp|id)\}/g, (_, name: 'timestamp' | 'id') => values[name] ?? '');
    return index === 0 ? [literal] : [rawBody, literal];
  });
}

/**
 * Options arrive from a JSON column; they are meant to be validated when the endpoint is saved, but a row
 * written before a schema change (or by hand) must fail closed here rather than throw inside createHmac.
 * Parsed once per options object, which the endpoint cache keeps for the endpoint's lifetime.
 */
const parsedOptions = new WeakMap<object, GenericHmacOptions | null>();
function usableOptions(options: GenericHmacOptions | undefined): GenericHmacOptions | undefined {
  if (options === undefined) return undefined;
  let parsed = parsedOptions.get(options);
  if (parsed === undefined) {
    const result = genericHmacOptionsSchema.safeParse(options);
    parsed = result.success ? result.data : null;
    parsedOptions.set(options, parsed);
  }
  return parsed ?? undefined;
}

function readOptional(headers: IncomingHeaders, name: string | undefined): string | undefined {
  return name === undefined ? undefined : readHeader(headers, name);
}

export const genericHmacScheme: WebhookScheme = {
  name: 'generic-hmac',
  prepareKey: (secret) => utf8Key(secret, 'generic-hmac'),

  verify(input) {
    const options = usableOptions(input.options);
    if (options === undefined) return fail('INVALID_SIGNATURE', 'the endpoint has no valid generic-hmac options');
    const values = readSignatureList(input.headers, options.signatureHeader);
    if (values === undefined || values.length === 0) return fail('MISSING_SIGNATURE', `the ${options.signatureHeader} header is missing`);
    const template = options.signedPayload ?? BODY;
    const id = readOptional(input.headers, options.idHeader);
    if (template.includes('{id}') && id === undefined) return fail('MISSING_SIGNATURE', `the ${options.idHeader ?? 'id'} header is missing`);
    let timestamp: { raw: string; seconds: number } | undefined;
    if (options.timestampHeader !== undefined || template.includes('{timestamp}')) {
      const raw = readOptional(input.headers, options.timestampHeader);
      const checked = checkTimestamp(raw, `the ${options.timestampHeader ?? 'timestamp'} header`, input);
      if (!checked.ok) return checked;
      timestamp = { raw: raw!, seconds: checked.timestamp };
    }
    const prefix = options.prefix ?? '';
    const signatures = values.filter((v) => v.startsWith(prefix)).map((v) => v.slice(prefix.length));
    if (signatures.length === 0) return fail('INVALID_SIGNATURE', `${options.signatureHeader} does not start with the configured prefix`);
    if (input.keys.length === 0) return noKeys();
    const parts = signedParts(template, { timestamp: timestamp?.raw, id }, input.rawBody);
    return anyKeyMatches(input.keys, signatures, options.encoding, (key) => hmac(options.algorithm, key, parts))
      ? timestamp === undefined
        ? { ok: true }
        : { ok: true, timestamp: timestamp.seconds }
      : fail('INVALID_SIGNATURE', `${options.signatureHeader} does not match the body under any active secret`);
  },

  identify({ headers, body, rawBody, timestamp, ...input }) {
    const options = usableOptions(input.options);
    const type = readOptional(headers, options?.typeHeader) ?? (options?.typeField === undefined ? undefined : bodyString(body, options.typeField));
    return identity(readOptional(headers, options?.idHeader), type, { rawBody, timestamp });
  },

  // What else a generic provider sends is unknown, and forwardedHeaders cannot depend on the options.
  forwardedHeaders: ['user-agent'],
};
