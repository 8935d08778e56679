import { createMessage } from '@junction/contracts';
import { envelopeJson } from './receive-webhook.handler';

function received(payload: unknown) {
  return createMessage(
    'webhooks.received',
    { endpointId: 'ep-1', provider: 'stripe', eventType: 'charge.succeeded', eventId: 'evt_1', receivedAt: new Date().toISOString(), headers: { 'user-agent': 'Stripe/1.0' }, payload },
    { tenantId: 't1' },
  );
}

describe('envelopeJson', () => {
  it('embeds the payload text as received, and is otherwise the serialized message', () => {
    const text = '{ "id": "evt_1", "amount": 12345678901234567890, "nested": {"a": [1, 2]} }';
    const message = received(JSON.parse(text));
    const json = envelopeJson(message, text);

    expect(json).toContain(`"payload":${text}}`);
    expect(JSON.parse(json)).toEqual(message);
  });

  it('serializes the parsed value when there is no text to embed (form bodies)', () => {
    const message = received({ token: 'x', command: '/deploy' });
    expect(envelopeJson(message, undefined)).toBe(JSON.stringify(message));
  });

  it('finds the payload even when a header value quotes the word payload', () => {
    const message = { ...received([1]), payload: { ...received([1]).payload, headers: { 'x-note': '"payload":' } } };
    expect(JSON.parse(envelopeJson(message, '[1]'))).toEqual(message);
  });
});
