import { z } from 'zod';
import { messageId } from './message-id';

describe('messageId', () => {
  it('is a UUID version 7 with the RFC variant, whose first 48 bits are the given Unix milliseconds', () => {
    const at = Date.UTC(2026, 10, 21, 15, 40, 0, 123);
    const id = messageId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    expect(z.uuid().safeParse(id).success).toBe(true);
  });

  it('sorts ids of later milliseconds after earlier ones, as text and as Postgres uuids compare', () => {
    const t = Date.now();
    const ids = [t + 2, t, t + 1, t + 1000].map((ms) => messageId(ms));
    expect([...ids].sort()).toEqual([ids[1], ids[2], ids[0], ids[3]]);
  });

  it('draws fresh random bits for every id', () => {
    const t = Date.now();
    const ids = new Set(Array.from({ length: 1000 }, () => messageId(t)));
    expect(ids.size).toBe(1000);
  });
});
