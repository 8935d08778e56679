import { endpointCreateSchema, endpointUpdateSchema, parseInput, secretAddSchema } from './endpoint.schemas';
import { EndpointError } from './endpoint.types';

const SECRET = 'whsec_c2VjcmV0LXZhbHVlLXRoYXQtbXVzdC1uZXZlci1sZWFr';
const base = { provider: 'stripe', scheme: 'stripe', secrets: [SECRET] };
const hmacOptions = { signatureHeader: 'x-signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' };

function failure(schema: Parameters<typeof parseInput>[0], input: unknown): EndpointError {
  try {
    parseInput(schema, input);
  } catch (error) {
    if (error instanceof EndpointError) return error;
    throw error;
  }
  throw new Error('expected VALIDATION_FAILED');
}

describe('endpointCreateSchema', () => {
  it('fills the documented defaults', () => {
    expect(parseInput(endpointCreateSchema, base)).toEqual({ ...base, toleranceSeconds: 300, futureToleranceSeconds: 60, bodyLimitBytes: 262_144, routes: [] });
  });

  it.each(['ab', 'shop-orders-1', '0-x', 'a'.repeat(63)])('accepts id %j', (id) => {
    expect(parseInput(endpointCreateSchema, { ...base, id }).id).toBe(id);
  });

  it.each(['a', '-ab', 'Ab', 'a_b', 'a/b', 'a'.repeat(64), '']) ('refuses id %j', (id) => {
    expect(failure(endpointCreateSchema, { ...base, id }).message).toMatch(/^id: /);
  });

  it.each(['s', 'shopify', 'my-erp-2', 'p'.repeat(32)])('accepts provider %j', (provider) => {
    expect(parseInput(endpointCreateSchema, { ...base, provider }).provider).toBe(provider);
  });

  it.each(['', '-x', 'Stripe', 'p'.repeat(33), 'a b'])('refuses provider %j', (provider) => {
    expect(failure(endpointCreateSchema, { ...base, provider }).message).toMatch(/^provider: /);
  });

  it('knows only the seven schemes', () => {
    expect(failure(endpointCreateSchema, { ...base, scheme: 'paypal' }).message).toMatch(/^scheme: /);
  });

  it('requires schemeOptions for generic-hmac and refuses them for any other scheme', () => {
    expect(failure(endpointCreateSchema, { ...base, scheme: 'generic-hmac' }).message).toBe('schemeOptions: required for generic-hmac');
    expect(parseInput(endpointCreateSchema, { ...base, scheme: 'generic-hmac', schemeOptions: hmacOptions }).schemeOptions).toEqual(hmacOptions);
    expect(failure(endpointCreateSchema, { ...base, schemeOptions: hmacOptions }).message).toBe('schemeOptions: only generic-hmac takes options, not stripe');
    expect(failure(endpointCreateSchema, { ...base, scheme: 'generic-hmac', schemeOptions: { ...hmacOptions, algorithm: 'md5' } }).message).toMatch(/^schemeOptions\.algorithm: /);
    // The scheme's own rules: a checked timestamp must be signed, or a replayer could rewrite it.
    const unsigned = { ...hmacOptions, timestampHeader: 'x-timestamp' };
    expect(failure(endpointCreateSchema, { ...base, scheme: 'generic-hmac', schemeOptions: unsigned }).message).toMatch(/^schemeOptions\.signedPayload: /);
  });

  it('takes 1 to 5 secrets of at most 1000 characters', () => {
    expect(failure(endpointCreateSchema, { ...base, secrets: [] }).message).toMatch(/^secrets: /);
    expect(failure(endpointCreateSchema, { ...base, secrets: ['a', 'b', 'c', 'd', 'e', 'f'] }).message).toMatch(/^secrets: /);
    expect(failure(endpointCreateSchema, { ...base, secrets: ['x'.repeat(1001)] }).message).toMatch(/^secrets\.0: /);
    expect(parseInput(endpointCreateSchema, { ...base, secrets: ['x'.repeat(1000), 'a', 'b', 'c', 'd'] }).secrets).toHaveLength(5);
  });

  it('refuses a secret the scheme cannot use, and a repeated one, without echoing either', () => {
    const unusable = failure(endpointCreateSchema, { ...base, scheme: 'standard-webhooks', secrets: ['whsec_not base64!'] });
    expect(unusable.message).toBe('secrets.0: not usable as a standard-webhooks signing secret');
    const repeated = failure(endpointCreateSchema, { ...base, secrets: [SECRET, SECRET] });
    expect(repeated.message).toBe('secrets.1: repeats an earlier secret');
    const tooLong = failure(endpointCreateSchema, { ...base, secrets: [`${SECRET}${'x'.repeat(1000)}`] });
    for (const error of [unusable, repeated, tooLong]) expect(JSON.stringify({ ...error, message: error.message })).not.toContain('whsec_');
  });

  it.each([
    ['toleranceSeconds', -1],
    ['toleranceSeconds', 86_401],
    ['toleranceSeconds', 1.5],
    ['futureToleranceSeconds', 3_601],
    ['bodyLimitBytes', 1023],
    ['bodyLimitBytes', 10 * 1024 * 1024 + 1],
    ['toleranceSeconds', '300'],
  ])('refuses %s = %j', (field, value) => {
    expect(failure(endpointCreateSchema, { ...base, [field]: value }).message).toMatch(new RegExp(`^${field}: `));
  });

  it('accepts the bounds', () => {
    const parsed = parseInput(endpointCreateSchema, { ...base, toleranceSeconds: 0, futureToleranceSeconds: 3600, bodyLimitBytes: 1024 });
    expect(parsed).toMatchObject({ toleranceSeconds: 0, futureToleranceSeconds: 3600, bodyLimitBytes: 1024 });
    expect(parseInput(endpointCreateSchema, { ...base, toleranceSeconds: 86_400, bodyLimitBytes: 10 * 1024 * 1024 }).bodyLimitBytes).toBe(10_485_760);
  });

  it('checks rateLimit: perSecond > 0, burst ≥ 1 (integer)', () => {
    expect(parseInput(endpointCreateSchema, { ...base, rateLimit: { perSecond: 0.5, burst: 1 } }).rateLimit).toEqual({ perSecond: 0.5, burst: 1 });
    expect(failure(endpointCreateSchema, { ...base, rateLimit: { perSecond: 0, burst: 1 } }).message).toMatch(/^rateLimit\.perSecond: /);
    expect(failure(endpointCreateSchema, { ...base, rateLimit: { perSecond: 1, burst: 0 } }).message).toMatch(/^rateLimit\.burst: /);
    expect(failure(endpointCreateSchema, { ...base, rateLimit: { perSecond: 1 } }).message).toMatch(/^rateLimit\.burst: /);
  });

  it('validates routes with the routing rule schema', () => {
    const route = { name: 'orders', eventTypes: ['orders/*'], command: 'erp.sales-order.create', mapping: '{ "x": 1 }' };
    expect(parseInput(endpointCreateSchema, { ...base, routes: [route] }).routes).toEqual([route]);
    expect(failure(endpointCreateSchema, { ...base, routes: [{ ...route, command: 'no.such.command' }] }).message).toMatch(/^routes\.0\.command: /);
    expect(failure(endpointCreateSchema, { ...base, routes: [route, route] }).message).toMatch(/^routes: .*unique/);
    const broken = failure(endpointCreateSchema, { ...base, routes: [route, { ...route, name: 'broken', mapping: '{ "x": ' }] });
    expect(broken.message).toMatch(/^routes\.1\.mapping: route "broken": mapping does not compile/);
    expect(failure(endpointUpdateSchema, { routes: [{ ...route, mapping: '$foo(' }] }).message).toMatch(/^routes\.0\.mapping: /);
  });

  it('refuses unknown fields (a typo must not be ignored) and update-only ones', () => {
    expect(failure(endpointCreateSchema, { ...base, tolerance: 5 }).message).toMatch(/tolerance/);
    expect(failure(endpointCreateSchema, { ...base, disabled: true }).message).toMatch(/disabled/);
  });

  it('refuses a body that is not an object', () => {
    expect(failure(endpointCreateSchema, undefined).code).toBe('VALIDATION_FAILED');
    expect(failure(endpointCreateSchema, [base]).status).toBe(400);
  });
});

describe('endpointUpdateSchema', () => {
  it('takes any subset of the settings, null clearing description and rateLimit', () => {
    expect(parseInput(endpointUpdateSchema, { disabled: true, description: null, rateLimit: null })).toEqual({ disabled: true, description: null, rateLimit: null });
    expect(parseInput(endpointUpdateSchema, { toleranceSeconds: 10 })).toEqual({ toleranceSeconds: 10 });
  });

  it('refuses an empty patch, id, secrets and out-of-range values', () => {
    expect(failure(endpointUpdateSchema, {}).message).toBe('(body): nothing to change');
    expect(failure(endpointUpdateSchema, { id: 'other' }).message).toMatch(/id/);
    expect(failure(endpointUpdateSchema, { secrets: [SECRET] }).message).not.toContain(SECRET);
    expect(failure(endpointUpdateSchema, { bodyLimitBytes: 0 }).message).toMatch(/^bodyLimitBytes: /);
  });
});

describe('secretAddSchema', () => {
  it('expires the previous secrets after a day unless told otherwise; null keeps them', () => {
    expect(parseInput(secretAddSchema, { secret: SECRET })).toEqual({ secret: SECRET, expirePreviousAfterSeconds: 86_400 });
    expect(parseInput(secretAddSchema, { secret: SECRET, expirePreviousAfterSeconds: 0 }).expirePreviousAfterSeconds).toBe(0);
    expect(parseInput(secretAddSchema, { secret: SECRET, expirePreviousAfterSeconds: null }).expirePreviousAfterSeconds).toBeNull();
    expect(failure(secretAddSchema, { secret: SECRET, expirePreviousAfterSeconds: -1 }).message).toMatch(/^expirePreviousAfterSeconds: /);
    expect(failure(secretAddSchema, { secret: '' }).message).toMatch(/^secret: /);
  });
});
