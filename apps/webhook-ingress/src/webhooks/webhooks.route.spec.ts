import { webhookParams } from './webhooks.route';

describe('webhookParams', () => {
  it('takes POST /webhooks/<provider>/<endpointId>, decoded, with or without a query string', () => {
    expect(webhookParams('/webhooks/stripe/ep-1')).toEqual({ provider: 'stripe', endpointId: 'ep-1' });
    expect(webhookParams('/webhooks/stripe/ep-1?attempt=2')).toEqual({ provider: 'stripe', endpointId: 'ep-1' });
    expect(webhookParams('/webhooks/generic-hmac/ep%201')).toEqual({ provider: 'generic-hmac', endpointId: 'ep 1' });
  });

  it('leaves every other path, a segment over 1 KiB and a malformed %-escape to the Nest app', () => {
    for (const url of ['/webhooks/stripe', '/webhooks/stripe/ep-1/', '/webhooks/stripe/ep-1/extra', '/admin/webhook-endpoints', '/webhooks//ep-1', `/webhooks/stripe/${'a'.repeat(1_025)}`, '/webhooks/stripe/%E0%A4%A']) {
      expect(webhookParams(url)).toBeUndefined();
    }
    expect(webhookParams(`/webhooks/stripe/${'a'.repeat(1_024)}`)).toEqual({ provider: 'stripe', endpointId: 'a'.repeat(1_024) });
  });
});
