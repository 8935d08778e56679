import { randomBytes } from 'node:crypto';
import { ConfigError, parseEnv } from '@junction/platform';
import { formatKeyEntry } from '@junction/security';
import { ingressEnvSchema, publicBaseUrl } from './env';

const base = { DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/junction' };

function configError(env: Record<string, string>): string {
  try {
    parseEnv(ingressEnvSchema, env, 'webhook-ingress');
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('webhook-ingress env: JUNCTION_KEK', () => {
  it('accepts a key ring, rotation order included', () => {
    const ring = `${formatKeyEntry('k2', randomBytes(32))},${formatKeyEntry('k1', randomBytes(32))}`;
    expect(parseEnv(ingressEnvSchema, { ...base, JUNCTION_KEK: ring }, 'webhook-ingress').JUNCTION_KEK).toBe(ring);
  });

  it('is required', () => {
    expect(configError(base)).toMatch(/JUNCTION_KEK: required: "<id>:<base64 of 32 bytes>/);
  });

  it.each([
    ['a bare key without id', randomBytes(32).toString('base64')],
    ['a 16-byte key', formatKeyEntry('k1', randomBytes(16))],
    ['a repeated id', `${formatKeyEntry('k1', randomBytes(32))},${formatKeyEntry('k1', randomBytes(32))}`],
  ])('refuses %s without repeating the value', (_what, value) => {
    const message = configError({ ...base, JUNCTION_KEK: value });
    expect(message).toMatch(/JUNCTION_KEK: must be "<id>:<base64 of 32 bytes>/);
    for (const part of value.split(/[:,]/)) expect(message).not.toContain(part);
  });
});

describe('webhook-ingress env: PUBLIC_BASE_URL', () => {
  const kek = formatKeyEntry('k1', randomBytes(32));

  it('defaults to this process on localhost and drops a trailing slash', () => {
    expect(publicBaseUrl(parseEnv(ingressEnvSchema, { ...base, JUNCTION_KEK: kek, PORT: '8080' }, 'webhook-ingress'))).toBe('http://localhost:8080');
    expect(publicBaseUrl(parseEnv(ingressEnvSchema, { ...base, JUNCTION_KEK: kek }, 'webhook-ingress'))).toBe('http://localhost:3000');
    expect(publicBaseUrl(parseEnv(ingressEnvSchema, { ...base, JUNCTION_KEK: kek, PUBLIC_BASE_URL: 'https://hub.example.com/junction/' }, 'webhook-ingress'))).toBe('https://hub.example.com/junction');
  });

  it('must be an http(s) URL', () => {
    expect(configError({ ...base, JUNCTION_KEK: kek, PUBLIC_BASE_URL: 'ftp://hub.example.com' })).toMatch(/PUBLIC_BASE_URL: must be an http\(s\) URL/);
    expect(configError({ ...base, JUNCTION_KEK: kek, PUBLIC_BASE_URL: 'not a url' })).toMatch(/PUBLIC_BASE_URL/);
  });
});
