import { createHmac, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { frappeRequest, genericRequest, githubRequest, now, shopifyRequest, slackRequest, standardWebhooksRequest, stripeRequest, type SignedRequest } from './webhook-signers';

/** Endpoints the corpus is aimed at (created by the test with these ids, secrets and limits). */
export interface CorpusTargets {
  baseUrl: string;
  secrets: Record<'stripe' | 'github' | 'shopify' | 'slack' | 'svix' | 'frappe' | 'acme', string>;
  /** Endpoint ids, by provider (the URL is /webhooks/<provider>/<id>). */
  ids: Record<'stripe' | 'github' | 'shopify' | 'slack' | 'svix' | 'frappe' | 'acme' | 'small' | 'limited', string>;
}

export interface BadRequest {
  name: string;
  path: string;
  headers: Record<string, string>;
  body: string | Buffer;
  status: number;
  code: string;
}

const event = () => ({ id: `evt_${randomUUID()}`, type: 'invoice.paid' });

function without(request: SignedRequest, header: string): SignedRequest {
  const headers = { ...request.headers };
  delete headers[header];
  return { ...request, headers };
}

function withHeader(request: SignedRequest, header: string, value: string): SignedRequest {
  return { ...request, headers: { ...request.headers, [header]: value } };
}

/**
 * At least 200 requests a webhook gateway must refuse, each with the documented answer. None may be stored,
 * published or answered 5xx.
 */
export async function adversarialCorpus(t: CorpusTargets): Promise<BadRequest[]> {
  const out: BadRequest[] = [];
  const add = (name: string, path: string, request: { headers: Record<string, string>; body: string | Buffer }, status: number, code: string) =>
    out.push({ name, path, headers: request.headers, body: request.body, status, code });
  const url = (provider: keyof CorpusTargets['ids'], asProvider = provider === 'small' || provider === 'limited' ? 'svix' : provider) => `/webhooks/${asProvider}/${t.ids[provider]}`;
  const s = t.secrets;

  // 404: unknown endpoints, and a known endpoint under the wrong provider.
  for (const id of ['nope', 'does-not-exist', randomUUID(), randomUUID(), 'a'.repeat(64), '%00', '..%2F..%2Fetc', 'STRIPE', '😀', ' ', 'x'.repeat(300), `${t.ids.stripe}-old`, `${t.ids.stripe} `, t.ids.stripe.toUpperCase(), 'null', 'undefined', '__proto__', 'constructor', "' OR 1=1 --", '<script>']) {
    add(`unknown endpoint ${id.slice(0, 20)}`, `/webhooks/stripe/${encodeURIComponent(id)}`, stripeRequest(s.stripe, event()), 404, 'ENDPOINT_NOT_FOUND');
  }
  for (const provider of ['github', 'shopify', 'slack', 'svix', 'frappe', 'acme', 'other', 'stripe2', 'STRIPE', 'strip']) {
    add(`stripe endpoint under ${provider}`, `/webhooks/${provider}/${t.ids.stripe}`, stripeRequest(s.stripe, event()), 404, 'ENDPOINT_NOT_FOUND');
  }

  // 400: signature headers missing.
  const missing: [keyof CorpusTargets['ids'], SignedRequest, string[]][] = [
    ['stripe', stripeRequest(s.stripe, event()), ['stripe-signature']],
    ['github', await githubRequest(s.github, 'push', { ref: 'main' }), ['x-hub-signature-256']],
    ['shopify', shopifyRequest(s.shopify, 'orders/create', { id: 1 }), ['x-shopify-hmac-sha256']],
    ['slack', slackRequest(s.slack, { type: 'event_callback' }), ['x-slack-signature', 'x-slack-request-timestamp']],
    ['svix', standardWebhooksRequest(s.svix, { type: 'a' }), ['webhook-signature', 'webhook-id', 'webhook-timestamp']],
    ['frappe', frappeRequest(s.frappe, { doctype: 'Customer' }), ['x-frappe-webhook-signature']],
    ['acme', genericRequest(s.acme, { event: 'x' }), ['x-acme-signature', 'x-acme-timestamp']],
  ];
  for (const [provider, request, headers] of missing) {
    for (const header of headers) add(`${provider} without ${header}`, url(provider), without(request, header), 400, 'MISSING_SIGNATURE');
    add(`${provider} with no signature headers at all`, url(provider), { headers: { 'content-type': 'application/json' }, body: request.body }, 400, 'MISSING_SIGNATURE');
  }

  // 401: bad signatures — tampered bodies, wrong secrets, garbage.
  const valid: [keyof CorpusTargets['ids'], () => Promise<SignedRequest> | SignedRequest, string, string][] = [
    ['stripe', () => stripeRequest(s.stripe, event()), 'stripe-signature', `t=${now()},v1=${'0'.repeat(64)}`],
    ['github', () => githubRequest(s.github, 'push', { ref: 'main' }), 'x-hub-signature-256', `sha256=${'a'.repeat(64)}`],
    ['shopify', () => shopifyRequest(s.shopify, 'orders/create', { id: 2 }), 'x-shopify-hmac-sha256', Buffer.alloc(32).toString('base64')],
    ['slack', () => slackRequest(s.slack, { type: 'event_callback' }), 'x-slack-signature', `v0=${'f'.repeat(64)}`],
    ['svix', () => standardWebhooksRequest(s.svix, { type: 'a' }), 'webhook-signature', `v1,${Buffer.alloc(32).toString('base64')}`],
    ['frappe', () => frappeRequest(s.frappe, { doctype: 'Customer' }), 'x-frappe-webhook-signature', 'not-a-signature'],
    ['acme', () => genericRequest(s.acme, { event: 'x' }), 'x-acme-signature', 'sha512=00'],
  ];
  for (const [provider, make, header, garbage] of valid) {
    const request = await make();
    for (const position of [0, 1, Math.floor(request.body.length / 2), request.body.length - 1]) {
      const body = request.body.slice(0, position) + (request.body[position] === 'x' ? 'y' : 'x') + request.body.slice(position + 1);
      add(`${provider} body tampered at ${position}`, url(provider), { headers: request.headers, body }, 401, 'INVALID_SIGNATURE');
    }
    add(`${provider} body with a trailing space`, url(provider), { headers: request.headers, body: `${request.body} ` }, 401, 'INVALID_SIGNATURE');
    add(`${provider} garbage signature`, url(provider), withHeader(request, header, garbage), 401, 'INVALID_SIGNATURE');
    add(`${provider} blank signature`, url(provider), withHeader(request, header, ' '), 400, 'MISSING_SIGNATURE');
    add(`${provider} signature of an empty body`, url(provider), { headers: request.headers, body: '' }, 401, 'INVALID_SIGNATURE');
  }
  const wrong = 'wrong-secret-wrong-secret';
  add('stripe wrong secret', url('stripe'), stripeRequest('whsec_wrong', event()), 401, 'INVALID_SIGNATURE');
  add('github wrong secret', url('github'), await githubRequest(wrong, 'push', {}), 401, 'INVALID_SIGNATURE');
  add('shopify wrong secret', url('shopify'), shopifyRequest(wrong, 'orders/create', {}), 401, 'INVALID_SIGNATURE');
  add('slack wrong secret', url('slack'), slackRequest(wrong, {}), 401, 'INVALID_SIGNATURE');
  add('svix wrong secret', url('svix'), standardWebhooksRequest(`whsec_${Buffer.from(wrong).toString('base64')}`, {}), 401, 'INVALID_SIGNATURE');
  add('frappe wrong secret', url('frappe'), frappeRequest(wrong, {}), 401, 'INVALID_SIGNATURE');
  add('acme wrong secret', url('acme'), genericRequest(wrong, {}), 401, 'INVALID_SIGNATURE');
  add('svix signed for another message id', url('svix'), withHeader(standardWebhooksRequest(s.svix, {}), 'webhook-id', 'msg_other'), 401, 'INVALID_SIGNATURE');

  // 401: timestamps outside the tolerance (300 s past, 60 s future), correctly signed.
  // The corpus is built before it is sent: future offsets keep a margin over the 60 s allowed.
  for (const offset of [-301, -600, -3_600, -86_400, 90, 120, 3_600, 86_400 * 365]) {
    const at = now() + offset;
    add(`stripe timestamp ${offset}s`, url('stripe'), stripeRequest(s.stripe, event(), at), 401, 'TIMESTAMP_OUT_OF_TOLERANCE');
    add(`svix timestamp ${offset}s`, url('svix'), standardWebhooksRequest(s.svix, {}, { at: new Date(at * 1000) }), 401, 'TIMESTAMP_OUT_OF_TOLERANCE');
    add(`slack timestamp ${offset}s`, url('slack'), slackRequest(s.slack, {}, at), 401, 'TIMESTAMP_OUT_OF_TOLERANCE');
    add(`acme timestamp ${offset}s`, url('acme'), genericRequest(s.acme, {}, { timestamp: at }), 401, 'TIMESTAMP_OUT_OF_TOLERANCE');
  }
  // Stripe's generateTestHeaderString treats timestamp 0 as "now": the epoch is signed by hand.
  add('stripe timestamp 0', url('stripe'), withHeader(stripeRequest(s.stripe, event()), 'stripe-signature', `t=0,v1=${createHmac('sha256', s.stripe).update('0.{}').digest('hex')}`), 401, 'TIMESTAMP_OUT_OF_TOLERANCE');

  // 415: content types a webhook is not sent with.
  for (const type of ['text/plain', 'text/html', 'application/xml', 'multipart/form-data; boundary=x', 'application/octet-stream', 'image/png', 'application/jsonp', 'json', '*/*', 'application/json-patch', 'text/json', 'application/javascript', 'application/x-www-form-urlencoded-json', 'text/csv', 'application/graphql']) {
    add(`content-type ${type}`, url('svix'), withHeader(standardWebhooksRequest(s.svix, {}), 'content-type', type), 415, 'UNSUPPORTED_MEDIA_TYPE');
  }
  add('no content-type', url('svix'), without(standardWebhooksRequest(s.svix, {}), 'content-type'), 415, 'UNSUPPORTED_MEDIA_TYPE');

  // 413: bodies over the endpoint's limit (the "small" endpoint allows 4 KiB; the default is 256 KiB).
  for (const size of [4_097, 10_000, 100_000, 1_000_000]) {
    add(`svix body of ${size} bytes on a 4 KiB endpoint`, url('small'), standardWebhooksRequest(s.svix, { pad: ' '.repeat(size) }), 413, 'PAYLOAD_TOO_LARGE');
  }
  const whitespace = `{${' '.repeat(10 * 1024 * 1024)}}`;
  add('10 MB of whitespace', url('svix'), { headers: standardWebhooksRequest(s.svix, {}).headers, body: whitespace }, 413, 'PAYLOAD_TOO_LARGE');
  add('300 KB JSON on a default endpoint', url('stripe'), stripeRequest(s.stripe, { ...event(), pad: 'x'.repeat(300_000) }), 413, 'PAYLOAD_TOO_LARGE');

  // 400: correctly signed, but not a payload we can take.
  const signedBodies: [string, string | Buffer][] = [
    ['truncated JSON', '{"type":"a",'],
    ['empty body', ''],
    ['a bare NUL byte', Buffer.from([0x7b, 0x00, 0x7d])],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
    ['overlong UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d])],
    ['deep nesting (10 000 levels)', `${'['.repeat(10_000)}${']'.repeat(10_000)}`],
    ['deep objects (1 000 levels)', `${'{"a":'.repeat(1_000)}1${'}'.repeat(1_000)}`],
    ['__proto__ key', '{"__proto__":{"isAdmin":true}}'],
    ['nested __proto__ key', '{"data":{"__proto__":{"isAdmin":true}}}'],
    ['constructor.prototype', '{"constructor":{"prototype":{"isAdmin":true}}}'],
    // An escaped NUL or lone surrogate elsewhere in a payload is stored as received (webhooks.e2e-spec), but
    // not in the event type, which the inbox keeps in a text column.
    ['escaped NUL in the event type', '{"type":"a\\u0000b"}'],
    ['lone surrogate in the event type', '{"type":"\\ud800"}'],
    ['single quotes', "{'type':'a'}"],
    ['NaN', '{"n":NaN}'],
    ['trailing garbage', '{"a":1}xyz'],
    ['only whitespace', '   \n\t  '],
  ];
  for (const [name, body] of signedBodies) {
    const signed = standardWebhooksSigned(s.svix, body);
    add(`signed but ${name}`, url('svix'), signed, 400, 'MALFORMED_PAYLOAD');
  }

  // 429: the "limited" endpoint takes 1 request/s with a burst of 3. Requests with bad signatures still
  // spend tokens (the limit protects the verifier too), so the first 3 get 401 and the rest 429.
  for (let i = 0; i < 3; i++) add(`rate-limited endpoint, request ${i + 1} (bad signature)`, url('limited'), withHeader(standardWebhooksRequest(s.svix, {}), 'webhook-signature', 'v1,AAAA'), 401, 'INVALID_SIGNATURE');
  for (let i = 0; i < 20; i++) add(`rate-limited endpoint, request ${i + 4}`, url('limited'), standardWebhooksRequest(s.svix, {}), 429, 'RATE_LIMITED');
  return out;
}

function standardWebhooksSigned(secret: string, body: string | Buffer): { headers: Record<string, string>; body: string | Buffer } {
  const id = `msg_${randomUUID()}`;
  const ts = String(now());
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(Buffer.concat([Buffer.from(`${id}.${ts}.`), Buffer.from(body)])).digest('base64');
  return { body, headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': `v1,${signature}` } };
}

/**
 * Sends one request with node:http and resolves with the answer even when the server answers early and closes
 * (413 before the body is read): fetch would report the broken upload instead of the response.
 */
export function send(baseUrl: string, bad: Pick<BadRequest, 'path' | 'headers' | 'body'>): Promise<{ status: number; body: Record<string, unknown>; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${baseUrl}${bad.path}`, { method: 'POST', headers: { ...bad.headers, 'content-length': String(Buffer.byteLength(bad.body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let body: Record<string, unknown>;
        try {
          body = JSON.parse(text) as Record<string, unknown>;
        } catch {
          body = { raw: text };
        }
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
      });
    });
    req.on('error', (error) => {
      // EPIPE/ECONNRESET after the server answered and closed: the response handler has it (or will).
      setTimeout(() => reject(error), 1_000).unref();
    });
    req.end(bad.body);
  });
}
