import { httpError, redact, untilUtcMidnight } from './hubspot.errors';

const body = (category: string, message: string, extra: Record<string, unknown> = {}) => JSON.stringify({ status: 'error', message, correlationId: 'c-1', category, ...extra });

/** HubSpot answers HubSpot's sandbox does not produce (403 scopes, HTML 502, the daily limit) → classes. */
describe('hubspot errors', () => {
  it.each([
    [400, 'VALIDATION_ERROR', 'validation'],
    [401, 'INVALID_AUTHENTICATION', 'auth'],
    [401, 'EXPIRED_AUTHENTICATION', 'auth'],
    [403, 'MISSING_SCOPES', 'forbidden'],
    [404, 'OBJECT_NOT_FOUND', 'not_found'],
    [409, 'CONFLICT', 'conflict'],
    [429, 'RATE_LIMITS', 'rate_limit'],
    [500, 'INTERNAL_ERROR', 'server'],
    [502, 'VALIDATION_ERROR', 'server'],
    [405, 'SOMETHING_NEW', 'client'],
    [422, 'SOMETHING_NEW', 'validation'],
  ])('%i %s → %s', (status, category, errorClass) => {
    expect(httpError('op', status, {}, body(category, 'x'), undefined)).toMatchObject({ errorClass, status, category, correlationId: 'c-1', provider: 'crm', operation: 'op' });
  });

  it('an HTML 502 from the edge is server, with the text stripped', () => {
    const error = httpError('getDeal', 502, { 'x-hubspot-correlation-id': 'edge-1' }, '<html><body><h1>502 Bad Gateway</h1></body></html>', undefined);
    expect(error).toMatchObject({ errorClass: 'server', correlationId: 'edge-1', category: undefined });
    expect(error.message).toBe('HubSpot getDeal failed (502): 502 Bad Gateway');
  });

  it('the daily limit without Retry-After waits until midnight UTC', () => {
    const error = httpError('x', 429, {}, body('RATE_LIMITS', 'You have reached your daily limit.', { policyName: 'DAILY' }), undefined);
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(error.retryAfterMs).toBeLessThanOrEqual(86_400_000);
    expect(untilUtcMidnight(Date.UTC(2026, 0, 1, 23, 0, 0))).toBe(3_600_000);
  });

  it('only a conflict carries an existing id', () => {
    expect(httpError('c', 409, {}, body('CONFLICT', 'Contact already exists. Existing ID: 4321'), undefined).existingId).toBe('4321');
    expect(httpError('c', 400, {}, body('VALIDATION_ERROR', 'Existing ID: 4321'), undefined).existingId).toBeUndefined();
  });

  it('redacts the token in use, Bearer headers and private-app tokens from any text', () => {
    const text = 'sent Authorization: Bearer abc.def-123 with pat-na1-1234abcd-aaaa-bbbb and my-oauth-token-value';
    expect(redact(text, 'my-oauth-token-value')).toBe('sent Authorization: Bearer [REDACTED] with [REDACTED] and [REDACTED]');
    const error = httpError('c', 400, {}, body('VALIDATION_ERROR', 'token my-oauth-token-value is odd'), 'my-oauth-token-value');
    expect(error.message).not.toContain('my-oauth-token-value');
  });
});
