import { createMessage } from '../messages/create-message';
import { parseMessage } from '../messages/registry';

describe('envelope connectionId', () => {
  const id = '3f0c2a4e-8b1d-4c6e-9a7f-1b2c3d4e5f60';

  it('travels from producer to consumer; absent stays absent', () => {
    const named = createMessage('erp.customer.create', { customerName: 'Acme', customerType: 'Company' }, { tenantId: 't1', connectionId: id });
    const parsed = parseMessage(JSON.parse(JSON.stringify(named)));
    expect(parsed).toMatchObject({ ok: true, message: { connectionId: id } });
    const plain = parseMessage(JSON.parse(JSON.stringify(createMessage('erp.customer.create', { customerName: 'Acme', customerType: 'Company' }, { tenantId: 't1' }))));
    expect(parsed.ok && plain.ok && 'connectionId' in plain.message).toBe(false);
  });

  it('a connectionId that is not a uuid is a malformed envelope', () => {
    const raw = { ...createMessage('erp.customer.create', { customerName: 'Acme', customerType: 'Company' }, { tenantId: 't1' }), connectionId: 'erpnext-env' };
    expect(parseMessage(raw)).toMatchObject({ ok: false, code: 'MALFORMED_MESSAGE' });
  });
});
