import { randomUUID } from 'node:crypto';
import { createMessage, parseMessage, routeOf } from '../index';

describe('message registry', () => {
  const valid = () =>
    createMessage('erp.customer.create', { customerName: 'Acme GmbH', customerType: 'Company' }, { tenantId: 't1' });

  it('round-trips a valid command through JSON', () => {
    const message = valid();
    const parsed = parseMessage(JSON.parse(JSON.stringify(message)));
    expect(parsed).toEqual({ ok: true, message });
  });

  it('defaults correlationId to the message id and fills occurredAt', () => {
    const message = valid();
    expect(message.correlationId).toBe(message.id);
    expect(Number.isNaN(Date.parse(message.occurredAt))).toBe(false);
  });

  it('refuses to produce an invalid payload', () => {
    expect(() =>
      createMessage('erp.customer.create', { customerName: '' } as never, { tenantId: 't1' }),
    ).toThrow();
  });

  it.each([
    ['not an object', 'nope', 'MALFORMED_MESSAGE'],
    ['missing id', { ...JSON.parse(JSON.stringify(createMessage('erp.customer.create', { customerName: 'A', customerType: 'Company' }, { tenantId: 't' }))), id: undefined }, 'MALFORMED_MESSAGE'],
    ['unknown type', { id: randomUUID(), type: 'erp.nope', version: 1, tenantId: 't', correlationId: 'c', occurredAt: new Date().toISOString(), payload: {} }, 'UNKNOWN_MESSAGE_TYPE'],
    ['future version', { id: randomUUID(), type: 'erp.customer.create', version: 9, tenantId: 't', correlationId: 'c', occurredAt: new Date().toISOString(), payload: { customerName: 'A' } }, 'UNSUPPORTED_VERSION'],
    ['bad payload', { id: randomUUID(), type: 'erp.customer.create', version: 1, tenantId: 't', correlationId: 'c', occurredAt: new Date().toISOString(), payload: { customerName: 'A', extra: 1 } }, 'VALIDATION_FAILED'],
  ])('rejects %s with a stable code and a reason', (_name, raw, code) => {
    const parsed = parseMessage(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.code).toBe(code);
      expect(parsed.reason.length).toBeGreaterThan(5);
    }
  });

  it('routes a command to its topic with the entity key as session', () => {
    expect(routeOf(valid())).toEqual({ topic: 'erp.commands', sessionId: 'customer:acme gmbh' });
  });
});
