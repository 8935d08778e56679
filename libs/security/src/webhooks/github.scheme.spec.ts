import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import fc from 'fast-check';
import { githubScheme } from './github.scheme';
import { describeSchemeContract, verify } from './scheme-test-kit';

// @octokit/webhooks-methods declares only an `import` export condition, which Jest's CommonJS resolver never
// matches (and adding `import` to the conditions breaks Jest's own ESM-only dependencies), so its Node build
// is loaded by path; jest.config.js transpiles @octokit to CommonJS.
const octokit = jest.requireActual<typeof import('@octokit/webhooks-methods')>(
  join(__dirname, '../../../../node_modules/@octokit/webhooks-methods/dist-node/index.js'),
);
const { sign: octokitSign, verify: octokitVerify } = octokit;

const headersFor = (signature: string) => ({
  'x-hub-signature-256': signature,
  'x-github-event': 'issues',
  'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
});
const sign = async (payload: string, secret: string) => headersFor(await octokitSign(secret, payload));
const signBytes = (body: Buffer, secret: string) => headersFor(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);

const body = JSON.stringify({ action: 'opened', issue: { number: 1347 }, repository: { full_name: 'octo/hello' } });
const secret = "It's a Secret to Everybody";
const h = { scheme: githubScheme };

describeSchemeContract({
  scheme: githubScheme,
  secret: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== ''),
  secrets: [secret, 'second secret', 'third secret'],
  sign,
  signBytes,
  signature: { header: 'x-hub-signature-256', pattern: /^sha256=([0-9a-f]+)$/ },
  // Node hands a repeated header over joined by ", "; other adapters pass an array.
  combine: (a, b) => ({ ...a, 'x-hub-signature-256': [String(a['x-hub-signature-256']), String(b['x-hub-signature-256'])] }),
  required: ['x-hub-signature-256'],
  body,
});

describe('github: header details', () => {
  const rawBody = Buffer.from(body);

  it('matches the documented example from GitHub', async () => {
    const signed = await sign('Hello, World!', secret);
    expect(signed['x-hub-signature-256']).toBe('sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17');
    expect(verify(h, signed, Buffer.from('Hello, World!'), [secret])).toEqual({ ok: true });
  });

  it('ignores the legacy SHA-1 header, even when it is the only one', () => {
    const sha1 = `sha1=${createHmac('sha1', secret).update(rawBody).digest('hex')}`;
    expect(verify(h, { 'x-hub-signature': sha1 }, rawBody, [secret])).toMatchObject({ ok: false, code: 'MISSING_SIGNATURE' });
  });

  it('refuses a signature without the sha256= prefix, and upper-case hex (octokit compares strings too)', async () => {
    const signed = (await sign(body, secret))['x-hub-signature-256'];
    const hex = signed.slice('sha256='.length);
    expect(verify(h, { 'x-hub-signature-256': hex }, rawBody, [secret])).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
    expect(verify(h, { 'x-hub-signature-256': `sha256=${hex.toUpperCase()}` }, rawBody, [secret])).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
    expect(await octokitVerify(secret, body, `sha256=${hex.toUpperCase()}`)).toBe(false);
  });

  it('treats a blank header as absent', () => {
    expect(verify(h, { 'x-hub-signature-256': '  ' }, rawBody, [secret])).toMatchObject({ ok: false, code: 'MISSING_SIGNATURE' });
  });
});

describe('github: identify', () => {
  const rawBody = Buffer.from(body);

  it('uses X-GitHub-Delivery as the id and X-GitHub-Event plus the action as the type', async () => {
    const headers = await sign(body, secret);
    expect(githubScheme.identify({ headers, body: JSON.parse(body), rawBody })).toEqual({
      eventId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      eventType: 'issues.opened',
    });
    expect(githubScheme.identify({ headers: { ...headers, 'x-github-event': 'push' }, body: { ref: 'refs/heads/main' }, rawBody }).eventType).toBe('push');
  });

  it('falls back to a body hash and "webhook" without the headers, and hashes over-long values', () => {
    expect(githubScheme.identify({ headers: {}, body: null, rawBody })).toEqual({ eventId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), eventType: 'webhook' });
    const long = githubScheme.identify({ headers: { 'x-github-delivery': 'd'.repeat(301), 'x-github-event': 'e'.repeat(201) }, body: {}, rawBody });
    expect(long.eventId).toMatch(/^sha256:/);
    expect(long.eventType).toMatch(/^sha256:/);
    const atLimit = githubScheme.identify({ headers: { 'x-github-delivery': 'd'.repeat(300), 'x-github-event': 'e'.repeat(200) }, body: {}, rawBody });
    expect(atLimit).toEqual({ eventId: 'd'.repeat(300), eventType: 'e'.repeat(200) });
  });
});

describe('github: what @octokit/webhooks-methods does differently', () => {
  it('cannot sign or verify an empty body or bytes at all: it takes only non-empty strings', async () => {
    await expect(octokitSign(secret, '')).rejects.toThrow(TypeError);
    await expect(octokitVerify(secret, Buffer.from(body) as unknown as string, 'sha256=00')).rejects.toThrow(TypeError);
    const empty = signBytes(Buffer.alloc(0), secret);
    expect(verify(h, empty, Buffer.alloc(0), [secret])).toEqual({ ok: true });
  });
});
