import type { DeadLetterActionResult, DeadLetterDetail, DeadLetterSummary } from '@junction/messaging';
import { UsageError } from '../cli-errors';
import type { CommandCall, CommandSpec, OptionSpec } from './command';
import { iso, table } from './output.format';

/**
 * Dead letters of the whole installation (the CLI is the operator's: `--tenant` does not narrow them), from the
 * `dead_letter` mirror; redrive and purge also act on the broker's DLQ of BUS (rabbitmq or servicebus; the memory
 * bus's DLQ lives in the running standalone process: use its admin API).
 */
const filterOptions: Readonly<Record<string, OptionSpec>> = {
  topic: { type: 'string', value: 'T', help: 'only this topic' },
  subscription: { type: 'string', value: 'S', help: 'only this subscription (consuming app)' },
  type: { type: 'string', value: 'TYPE', help: 'only this message type' },
  reason: { type: 'string', value: 'CODE', help: 'only this reason (VALIDATION_FAILED, MAX_DELIVERIES_EXCEEDED, …)' },
  since: { type: 'string', value: 'ISO', help: 'dead-lettered at or after this instant' },
};

const FILTER_KEYS = ['topic', 'subscription', 'type', 'reason', 'since'] as const;

function filterOf(call: CommandCall): Record<string, string> | undefined {
  const filter: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const value = call.args.string(key);
    if (value !== undefined) filter[key] = value;
  }
  return Object.keys(filter).length === 0 ? undefined : filter;
}

/** One id, or a filter, or --all: exactly one. */
function selectionOf(call: CommandCall, verb: string): { ids?: string[]; filter?: Record<string, string>; all?: true; dryRun: boolean } {
  const [id] = call.args.positionals;
  const filter = filterOf(call);
  const all = call.args.flag('all');
  const dryRun = call.args.flag('dry-run');
  if ([id !== undefined, filter !== undefined, all].filter(Boolean).length !== 1) {
    throw new UsageError(`dead-letters ${verb}: give one dead-letter id, filter options (--topic, --subscription, --type, --reason, --since), or --all`);
  }
  if (id !== undefined && dryRun) throw new UsageError(`dead-letters ${verb}: --dry-run goes with a filter or --all`);
  return { ...(id !== undefined ? { ids: [id] } : {}), ...(filter ? { filter } : {}), ...(all ? { all: true as const } : {}), dryRun };
}

function summaryTable(items: readonly DeadLetterSummary[]): string[] {
  return table(
    ['ID', 'TYPE', 'TOPIC', 'SUBSCRIPTION', 'REASON', 'DELIVERIES', 'DEAD-LETTERED', 'REDRIVEN'],
    items.map((d) => [d.id, d.type, d.topic, d.subscription, d.reason, String(d.deliveryCount), iso(d.deadLetteredAt), d.redrivenAt ? iso(d.redrivenAt) : '-']),
  );
}

function detailLines(d: DeadLetterDetail): string[] {
  return [
    `id:             ${d.id}`,
    `message id:     ${d.messageId}`,
    `type:           ${d.type}`,
    `topic:          ${d.topic} / ${d.subscription}`,
    `reason:         ${d.reason}`,
    `description:    ${d.description}`,
    `deliveries:     ${d.deliveryCount}`,
    `dead-lettered:  ${iso(d.deadLetteredAt)}`,
    `redriven:       ${d.redrivenAt ? iso(d.redrivenAt) : '-'}`,
    'headers:',
    ...Object.entries(d.headers).map(([k, v]) => `  ${k}: ${v}`),
    'body (as stored):',
    d.rawBody,
  ];
}

function actionLines(verb: 'redrive' | 'purge', r: DeadLetterActionResult): string[] {
  if (r.matched === 0) return ['No dead letters matched.'];
  const done = verb === 'redrive' ? 'Redriven' : 'Purged';
  const lines = [
    ...summaryTable(r.items),
    '',
    r.dryRun
      ? `Dry run: would ${verb} ${r.matched} dead letter(s); nothing changed.`
      : `${done} ${r.matched} dead letter(s) on ${r.transport}; ${r.removedFromBroker} removed from the broker's DLQ.`,
  ];
  if (r.remaining > 0) lines.push(`${r.remaining} more match: run it again.`);
  if (r.brokerError) lines.push(`The broker's DLQ was not cleaned (${r.brokerError}): its copies stay; purge them later.`);
  return lines;
}

const selectionOptions: Readonly<Record<string, OptionSpec>> = {
  ...filterOptions,
  all: { type: 'boolean', help: 'every dead letter' },
  'dry-run': { type: 'boolean', help: 'show what would be done (with a filter or --all)' },
};

export const deadLetterCommands: readonly CommandSpec[] = [
  {
    group: 'dead-letters',
    name: 'list',
    summary: 'dead letters, newest first, with their reason (not the body)',
    options: {
      ...filterOptions,
      state: { type: 'string', value: 'open|redriven|any', help: 'default any' },
      limit: { type: 'string', value: 'N', help: 'rows to show (default 50, at most 500)' },
      offset: { type: 'string', value: 'N', help: 'rows to skip (paging)' },
    },
    async run(call) {
      const query: Record<string, unknown> = { ...filterOf(call) };
      for (const key of ['state', 'limit', 'offset'] as const) {
        const value = call.args.string(key);
        if (value !== undefined) query[key] = value;
      }
      const page = await (await call.runtime.deadLetters()).list({ actor: call.actor.actor }, query);
      const more = page.total - page.offset - page.items.length;
      return {
        json: page,
        text:
          page.total === 0
            ? ['No dead letters.']
            : [...summaryTable(page.items), ...(more > 0 ? [`… ${more} more (--offset ${page.offset + page.items.length})`] : [])],
      };
    },
  },
  {
    group: 'dead-letters',
    name: 'show',
    summary: 'one dead letter: reason, description, deliveries, headers (secret-bearing ones redacted), the body as stored',
    positionals: ['id'],
    async run(call) {
      const [id] = call.args.positionals;
      const detail = await (await call.runtime.deadLetters()).show({ actor: call.actor.actor }, id!);
      return { json: detail, text: detailLines(detail) };
    },
  },
  {
    group: 'dead-letters',
    name: 'redrive',
    summary: 'republish to its topic with the same message id (one id, a filter, or --all; a filter takes rows not redriven yet)',
    optionalPositionals: ['id'],
    options: selectionOptions,
    async run(call) {
      const result = await (await call.runtime.deadLetters()).redrive({ actor: call.actor.actor }, selectionOf(call, 'redrive'));
      return { json: result, text: actionLines('redrive', result) };
    },
  },
  {
    group: 'dead-letters',
    name: 'sync',
    summary: "mirror what only the broker's DLQ holds (e.g. RabbitMQ's own dead letters after a crash loop), so list/redrive see it",
    options: {
      topic: { type: 'string', value: 'T', help: 'only this topic (with --subscription: any subscription, declared or not)' },
      subscription: { type: 'string', value: 'S', help: 'only this subscription' },
      max: { type: 'string', value: 'N', help: 'DLQ messages to look at per subscription (default 10000)' },
    },
    async run(call) {
      const topic = call.args.string('topic');
      const subscription = call.args.string('subscription');
      const max = call.args.int('max', { min: 1, max: 100_000 }) ?? 10_000;
      const { busTopology } = await import('@junction/messaging');
      const targets =
        topic !== undefined && subscription !== undefined
          ? [{ topic, subscription }]
          : busTopology(call.env.MAX_DELIVERY_COUNT).subscriptions.filter((s) => (topic ?? s.topic) === s.topic && (subscription ?? s.subscription) === s.subscription);
      if (targets.length === 0) throw new UsageError('dead-letters sync: no subscription of the topology matches');
      const result = await (await call.runtime.deadLetters()).syncFromBroker({ actor: call.actor.actor }, targets, max);
      return {
        json: { subscriptions: targets.length, ...result },
        text: [`Looked at ${result.scanned} DLQ message(s) in ${targets.length} subscription(s); mirrored ${result.imported} that were not.`],
      };
    },
  },
  {
    group: 'dead-letters',
    name: 'purge',
    summary: 'delete dead letters from the mirror and the broker DLQ (one id, a filter, or --all)',
    optionalPositionals: ['id'],
    options: selectionOptions,
    async run(call) {
      const result = await (await call.runtime.deadLetters()).purge({ actor: call.actor.actor }, selectionOf(call, 'purge'));
      return { json: result, text: actionLines('purge', result) };
    },
  },
];
