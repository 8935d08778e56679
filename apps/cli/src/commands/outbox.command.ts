import { CliError, UsageError } from '../cli-errors';
import type { CommandSpec } from './command';
import { parkedOutboxTable } from './output.format';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The outbox rows the relay moved aside (too large for the bus, not encodable, or failing while the rest flowed).
 * Not a tenant's data: the outbox is the installation's, so `--tenant` does not filter it.
 */
export const outboxCommands: readonly CommandSpec[] = [
  {
    group: 'outbox',
    name: 'parked',
    summary: 'outbox rows the relay parked, oldest first, with their reason (never the payload)',
    options: { limit: { type: 'string', value: 'N', help: 'rows to show (default 50)' } },
    async run(call) {
      const parked = await call.runtime.parkedOutbox();
      const limit = call.args.int('limit', { min: 1, max: 10_000 }) ?? 50;
      const [rows, total] = await Promise.all([parked.list(limit), parked.count()]);
      return {
        json: { total, items: rows },
        text: parkedOutboxTable(rows, total),
      };
    },
  },
  {
    group: 'outbox',
    name: 'redrive',
    summary: 'move a parked row (or --all) back into the outbox, same id, to be published again',
    optionalPositionals: ['id'],
    options: { all: { type: 'boolean', help: 'every parked row' } },
    async run(call) {
      const [id] = call.args.positionals;
      const all = call.args.flag('all');
      if ((id === undefined) === !all) throw new UsageError('outbox redrive: give one row id, or --all');
      if (id !== undefined && !UUID.test(id)) throw new UsageError(`outbox redrive: "${id}" is not a row id (a uuid; see junction outbox parked)`);
      const redriven = await (await call.runtime.parkedOutbox()).redrive(id === undefined ? 'all' : [id]);
      if (id !== undefined && redriven.length === 0) throw new CliError('NOT_FOUND', `no parked outbox row ${id}`);
      return {
        json: { redriven },
        text: [redriven.length === 0 ? 'No parked rows.' : `Redriven ${redriven.length} row(s): the relay publishes them again (a row that still fails is parked again).`],
      };
    },
  },
];
