import { run } from '../cli.test-kit';
import { nextKeyId } from './keys.command';

describe('nextKeyId', () => {
  const now = new Date('2025-03-04T05:06:07Z');

  it('counts up from the active key, past every id with the same stem', () => {
    expect(nextKeyId(['local-1'], now)).toBe('local-2');
    expect(nextKeyId(['local-2', 'local-7', 'other-9'], now)).toBe('local-8');
    expect(nextKeyId(['k9'], now)).toBe('k10');
  });

  it('falls back to a dated id without a ring or a number in the active id, never one the ring has', () => {
    expect(nextKeyId(undefined, now)).toBe('k20250304');
    expect(nextKeyId(['main'], now)).toBe('k20250304');
    expect(nextKeyId(['main', 'k20250304'], now)).toMatch(/^k20250304-[0-9a-f]{4}$/);
  });
});

describe('junction CLI: keys', () => {
  it('keys generate prints one new ring entry after the ring’s ids, opens no database, and refuses a taken id', async () => {
    const { code, stdout, stderr, fake } = await run(['keys', 'generate']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^local-2:[A-Za-z0-9+/]{43}=\n$/);
    expect(Buffer.from(stdout.trim().split(':')[1]!, 'base64')).toHaveLength(32);
    expect(stderr).toMatch(/Put it first in JUNCTION_KEK/);
    expect(fake.runtime.endpoints).not.toHaveBeenCalled();
    expect(fake.runtime.credentials).not.toHaveBeenCalled();

    expect(JSON.parse((await run(['keys', 'generate', '--id', 'next', '--json'])).stdout)).toEqual({ id: 'next', entry: expect.stringMatching(/^next:/) });
    expect((await run(['keys', 'generate', '--id', 'local-1'])).stderr).toBe('junction: USAGE: --id: the ring already has a key "local-1"\n');
  });

  it('keys rewrap reports the counts and the active key', async () => {
    const { stdout, fake } = await run(['keys', 'rewrap', '--batch-size', '50']);
    expect(fake.rewrapAll).toHaveBeenCalledWith(50);
    expect(stdout).toMatch(/^Re-wrapped 3 credential\(s\) under key k2; 1 already were\./);
    expect(JSON.parse((await run(['keys', 'rewrap', '--json'])).stdout)).toEqual({ activeKeyId: 'k2', rewrapped: 3, current: 1 });
  });
});
