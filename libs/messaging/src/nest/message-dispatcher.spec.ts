import { randomUUID } from 'node:crypto';
import { createMessage } from '@junction/contracts';
import { IntegrationError } from '@junction/resilience';
import type { DeliveredMessage } from '../bus/message-bus.port';
import { MessageDispatcher, type TypedHandler } from './message-dispatcher';

const quiet = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };

function delivery(body: unknown, over: Partial<DeliveredMessage> = {}): DeliveredMessage {
  return {
    messageId: randomUUID(),
    type: 'erp.customer.create',
    topic: 'erp.commands',
    subscription: 'erp-worker',
    body,
    rawBody: JSON.stringify(body) ?? '',
    deliveryCount: 1,
    headers: {},
    enqueuedAt: new Date(),
    ...over,
  };
}

const command = () => createMessage('erp.customer.create', { customerName: 'Acme', customerType: 'Company' }, { tenantId: 't' });

describe('MessageDispatcher', () => {
  const mirrored: Array<[string, string]> = [];
  const setup = (handler?: TypedHandler, maxDeliveryCount = 5) =>
    new MessageDispatcher((type) => (type === 'erp.customer.create' ? handler : undefined), {
      maxDeliveryCount,
      logger: quiet,
      onDeadLetter: async (d, s) => void mirrored.push([d.messageId, s.reason]),
    });
  beforeEach(() => (mirrored.length = 0));

  it('hands a valid message to its handler, parsed, and completes', async () => {
    const seen: unknown[] = [];
    const c = command();
    const s = await setup(async (m) => void seen.push(m)).dispatch(delivery(JSON.parse(JSON.stringify(c))));
    expect(s).toEqual({ action: 'complete' });
    expect(seen).toEqual([c]);
  });

  it.each([
    ['bytes that are not JSON', undefined, 'MALFORMED_MESSAGE'],
    ['a body that is not an envelope', { hello: 'world' }, 'MALFORMED_MESSAGE'],
    ['an unknown type', { ...command(), type: 'erp.unknown' }, 'UNKNOWN_MESSAGE_TYPE'],
    ['an invalid payload', { ...command(), payload: { customerName: 42 } }, 'VALIDATION_FAILED'],
    ['prototype pollution keys', JSON.parse(`{"__proto__":{"polluted":true},"id":"x"}`), 'MALFORMED_MESSAGE'],
  ])('dead-letters %s at once, mirrored, without calling the handler', async (_name, body, reason) => {
    const handler = jest.fn();
    const d = delivery(body);
    const s = await setup(handler).dispatch(d);
    expect(s).toMatchObject({ action: 'dead-letter', reason });
    expect(handler).not.toHaveBeenCalled();
    expect(mirrored).toEqual([[d.messageId, reason]]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('dead-letters a message no handler here consumes', async () => {
    const s = await new MessageDispatcher(() => undefined, { maxDeliveryCount: 5, logger: quiet }).dispatch(delivery(command()));
    expect(s).toMatchObject({ action: 'dead-letter', reason: 'NO_HANDLER' });
  });

  it('retries a retryable failure and dead-letters it on the last allowed delivery', async () => {
    const failing = async () => {
      throw new IntegrationError('server', 'ERPNext answered 503', { provider: 'erpnext', operation: 'customer.create', status: 503 });
    };
    const first = await setup(failing, 3).dispatch(delivery(command(), { deliveryCount: 1 }));
    expect(first).toMatchObject({ action: 'retry', reason: 'PROVIDER_UNAVAILABLE' });
    expect(mirrored).toEqual([]);
    const last = await setup(failing, 3).dispatch(delivery(command(), { deliveryCount: 3 }));
    expect(last).toMatchObject({ action: 'dead-letter', reason: 'MAX_DELIVERIES_EXCEEDED' });
    expect(mirrored.map(([, r]) => r)).toEqual(['MAX_DELIVERIES_EXCEEDED']);
  });

  it('dead-letters a permanent failure at once', async () => {
    const s = await setup(async () => {
      throw new IntegrationError('auth', 'ERPNext rejected the API key', { provider: 'erpnext', operation: 'customer.create', status: 401 });
    }).dispatch(delivery(command()));
    expect(s).toEqual({ action: 'dead-letter', reason: 'PROVIDER_AUTH', description: 'ERPNext rejected the API key', errorClass: 'auth' });
  });

  it('still settles when the dead-letter mirror is down', async () => {
    const d = new MessageDispatcher(() => undefined, {
      maxDeliveryCount: 5,
      logger: quiet,
      onDeadLetter: async () => {
        throw new Error('database down');
      },
    });
    await expect(d.dispatch(delivery(undefined))).resolves.toMatchObject({ action: 'dead-letter' });
  });
});
