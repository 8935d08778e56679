import { z } from 'zod';
import { routedCommandId, uuidV5 } from './routed-command.id';

describe('routedCommandId', () => {
  it('is a standard UUID v5 (RFC 4122 test vector: DNS namespace, www.example.com)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('derives the same id for the same received message, route and index, and a valid envelope id', () => {
    const id = routedCommandId('0b7e2f8e-52a4-4d1e-8c1c-5c6a4b1f2e3d', 'shopify-orders-to-erp', 0);
    expect(routedCommandId('0b7e2f8e-52a4-4d1e-8c1c-5c6a4b1f2e3d', 'shopify-orders-to-erp', 0)).toBe(id);
    expect(z.uuid().safeParse(id).success).toBe(true);
    expect(id[14]).toBe('5');
  });

  it('differs when any part differs', () => {
    const ids = new Set([
      routedCommandId('0b7e2f8e-52a4-4d1e-8c1c-5c6a4b1f2e3d', 'r', 0),
      routedCommandId('0b7e2f8e-52a4-4d1e-8c1c-5c6a4b1f2e3e', 'r', 0),
      routedCommandId('0b7e2f8e-52a4-4d1e-8c1c-5c6a4b1f2e3d', 's', 0),
      routedCommandId('0b7e2f8e-52a4-4d1e-8c1c-5c6a4b1f2e3d', 'r', 1),
    ]);
    expect(ids.size).toBe(4);
  });
});
