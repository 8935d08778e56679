import { z } from 'zod';
import { batchCommandId } from './command-id';

describe('batchCommandId', () => {
  const run = '0192f0c4-1111-7aaa-8bbb-123456789abc';

  it('is the same for the same run and item, and a valid envelope id', () => {
    const id = batchCommandId(run, 7);
    expect(batchCommandId(run, 7)).toBe(id);
    expect(z.uuid().safeParse(id).success).toBe(true);
    expect(id[14]).toBe('8');
  });

  it('differs per item and per run', () => {
    const ids = new Set([batchCommandId(run, 1), batchCommandId(run, 2), batchCommandId(run, '1x'), batchCommandId('other-run', 1)]);
    expect(ids.size).toBe(4);
  });
});
