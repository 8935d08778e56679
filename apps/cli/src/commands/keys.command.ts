import { randomBytes } from 'node:crypto';
import { formatKeyEntry } from '@junction/security';
import { UsageError } from '../cli-errors';
import type { CommandSpec } from './command';

const KEY_ID = /^[A-Za-z0-9._-]{1,32}$/;

/**
 * The id after the ring's: `local-1` → `local-2` (past every id with that stem already listed), so the entries
 * of a ring say which is newer. Without a ring, or an id without a number, `k<yyyymmdd>`.
 */
export function nextKeyId(ids: readonly string[] | undefined, now = new Date()): string {
  const match = ids?.[0] ? /^(.*?)(\d+)$/.exec(ids[0]) : null;
  if (!match) {
    const dated = `k${now.toISOString().slice(0, 10).replaceAll('-', '')}`;
    return ids?.includes(dated) ? `${dated}-${randomBytes(2).toString('hex')}` : dated;
  }
  const stem = match[1]!;
  const taken = (ids ?? []).map((id) => (id.startsWith(stem) && /^\d+$/.test(id.slice(stem.length)) ? Number(id.slice(stem.length)) : 0));
  return `${stem}${Math.max(...taken) + 1}`;
}

export const keyCommands: readonly CommandSpec[] = [
  {
    group: 'keys',
    name: 'generate',
    summary: 'print a new key-encryption key entry <id>:<base64> (touches no database)',
    options: { id: { type: 'string', value: 'ID', help: 'key id (default: the next after the ring’s first, e.g. local-2)' } },
    async run(call) {
      const ids = await call.runtime.keyIds();
      const id = call.args.string('id') ?? nextKeyId(ids);
      if (!KEY_ID.test(id)) throw new UsageError('--id: 1-32 letters, digits, ".", "_" or "-"');
      if (ids?.includes(id)) throw new UsageError(`--id: the ring already has a key "${id}"`);
      const entry = formatKeyEntry(id, randomBytes(32));
      return {
        json: { id, entry },
        text: [entry],
        notes: [
          'Put it first in JUNCTION_KEK (or in the kek file), keep the old entries after it, restart the apps,',
          'run `junction keys rewrap`, and only then drop the old entries.',
        ],
      };
    },
  },
  {
    group: 'keys',
    name: 'rewrap',
    summary: 're-wrap every stored secret’s data key under the ring’s first (active) key',
    options: { 'batch-size': { type: 'string', value: 'N', help: 'rows per batch (default 100)' } },
    async run(call) {
      const batchSize = call.args.int('batch-size', { min: 1, max: 10_000 });
      const { service, activeKeyId } = await call.runtime.credentials();
      const { rewrapped, current } = await service.rewrapAll(batchSize);
      return {
        json: { activeKeyId, rewrapped, current },
        text: [`Re-wrapped ${rewrapped} credential(s) under key ${activeKeyId}; ${current} already were. Once every app runs with this ring, older keys can leave it.`],
      };
    },
  },
];
