import type { Message } from 'amqplib';
import { BusHeaders } from '../../bus/settlement';
import { decodeDeadLetter, decodeDelivery, deliveryCountOf, encodeCopy, encodeOutgoing } from './rabbitmq.codec';
import { delayBucket, DELAY_BUCKETS_MS, RabbitHeaders } from './rabbitmq.names';

function asDelivered(encoded: { content: Buffer; options: { headers?: Record<string, unknown>; messageId?: string; type?: string } }, redelivered = false): Message {
  return {
    content: encoded.content,
    fields: { deliveryTag: 1, redelivered, exchange: 't', routingKey: '' },
    properties: {
      headers: encoded.options.headers,
      messageId: encoded.options.messageId,
      type: encoded.options.type,
    } as Message['properties'],
  };
}

describe('delay buckets', () => {
  it('rounds a delay up to the next bucket, never down, and caps at the last one', () => {
    expect(delayBucket(1)).toBe(100);
    expect(delayBucket(100)).toBe(100);
    expect(delayBucket(101)).toBe(250);
    expect(delayBucket(1_500)).toBe(2_000);
    expect(delayBucket(10 * 3_600_000)).toBe(3_600_000);
    for (let i = 1; i < DELAY_BUCKETS_MS.length; i++) expect(DELAY_BUCKETS_MS[i]! / DELAY_BUCKETS_MS[i - 1]!).toBeLessThanOrEqual(3);
  });
});

describe('rabbitmq codec', () => {
  const outgoing = {
    topic: 'erp.commands',
    messageId: 'id-1',
    type: 'erp.x',
    body: { a: 1 },
    sessionId: 'cust-9',
    headers: { traceparent: '00-abc-def-01', [BusHeaders.deliveryCount]: '7' },
  };

  it('round-trips id, type, session, body and application headers; transport headers stay private', () => {
    const got = decodeDelivery(asDelivered(encodeOutgoing(outgoing, 1_000)), 'erp.commands', 'erp-worker');
    expect(got).toMatchObject({ messageId: 'id-1', type: 'erp.x', sessionId: 'cust-9', body: { a: 1 }, deliveryCount: 1 });
    expect(got.headers).toEqual({ traceparent: '00-abc-def-01' });
    expect(got.enqueuedAt.getTime()).toBe(1_000);
  });

  it('counts our republished deliveries plus the broker returns of this copy', () => {
    const copy = encodeCopy(asDelivered(encodeOutgoing(outgoing)), 3);
    expect(deliveryCountOf(asDelivered(copy))).toBe(4);
    const returned = { ...copy, options: { ...copy.options, headers: { ...copy.options.headers, 'x-delivery-count': 2 } } };
    expect(deliveryCountOf(asDelivered(returned))).toBe(6);
    expect(deliveryCountOf(asDelivered(copy, true))).toBe(5); // classic queues only flag redelivered
  });

  it('never throws on bad bytes', () => {
    const got = decodeDelivery({ ...asDelivered(encodeOutgoing(outgoing)), content: Buffer.from('\u0000nope') }, 't', 's');
    expect(got.body).toBeUndefined();
    expect(got.rawBody).toBe('\u0000nope');
  });

  it('reads our dead-letter reason, and maps a broker delivery-limit dead letter to MAX_DELIVERIES_EXCEEDED', () => {
    const original = asDelivered(encodeOutgoing(outgoing));
    const ours = encodeCopy(original, 2, { [BusHeaders.deadLetterReason]: 'VALIDATION_FAILED', [BusHeaders.deadLetterDescription]: 'x: required' });
    expect(decodeDeadLetter(asDelivered(ours), 't', 's', 't.s')).toMatchObject({ reason: 'VALIDATION_FAILED', description: 'x: required', deliveryCount: 2 });

    const brokers = asDelivered(encodeOutgoing(outgoing));
    brokers.properties.headers = {
      ...brokers.properties.headers,
      'x-first-death-reason': 'expired',
      'x-death': [
        { count: 1, reason: 'delivery_limit', queue: 't.s', exchange: '', 'routing-keys': ['t.s'], time: { '!': 'timestamp', value: 1 } },
        { count: 1, reason: 'expired', queue: 't.wait-100ms', exchange: '', 'routing-keys': ['x'], time: { '!': 'timestamp', value: 1 } },
      ] as never,
    };
    const dead = decodeDeadLetter(brokers, 't', 's', 't.s');
    expect(dead.reason).toBe('MAX_DELIVERIES_EXCEEDED');
    expect(dead.headers).toEqual({ traceparent: '00-abc-def-01' });
  });

  it('records the not-before instant of a scheduled publish', () => {
    const encoded = encodeOutgoing({ ...outgoing, scheduledAt: new Date(5_000) });
    expect(encoded.options.headers[RabbitHeaders.notBefore]).toBe('5000');
    expect(encoded.options.persistent).toBe(true);
  });
});
