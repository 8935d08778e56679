import { SingleBar } from 'cli-progress';
import type { RunView } from '../../../batch-scheduler/src/runs/run.view';
import type { CommandCall, CommandSpec } from './command';
import { iso, table } from './output.format';

const FINAL = new Set(['succeeded', 'failed', 'cancelled']);
const runs = async (call: CommandCall) => (await call.runtime.scheduler()).runs;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const eta = (seconds: number | null) => (seconds === null ? '-' : seconds >= 3_600 ? `${Math.floor(seconds / 3_600)}h${String(Math.floor((seconds % 3_600) / 60)).padStart(2, '0')}m` : seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`);
const counts = (r: RunView) => `${r.processed}${r.total === null ? '' : `/${r.total}`} (ok ${r.succeeded}, failed ${r.failed}, skipped ${r.skipped})`;

/** One line per update when stderr is not a terminal (CI logs, pipes). */
export function progressLine(r: RunView): string {
  return `run ${r.id} ${r.status} ${counts(r)}${r.percent === null ? '' : ` ${r.percent}%`} ${r.ratePerSecond ?? 0}/s eta ${eta(r.etaSeconds)}`;
}

function details(r: RunView): string[] {
  return [
    `Batch run ${r.id} (${r.job})`,
    `  status       ${r.status}${r.error ? ` ${JSON.stringify(r.error)}` : ''}`,
    `  progress     ${counts(r)}${r.percent === null ? '' : `, ${r.percent}%`}`,
    `  rate / eta   ${r.ratePerSecond ?? 0}/s, eta ${eta(r.etaSeconds)}`,
    `  row errors   ${r.rowErrors ?? '-'}${r.rowErrors ? ` (junction runs errors ${r.id})` : ''}`,
    `  schedule     ${r.scheduleId ?? '- (started by hand)'}${r.scheduledFor ? ` tick ${iso(r.scheduledFor)}` : ''}`,
    `  times        created ${iso(r.createdAt)}, started ${r.startedAt ? iso(r.startedAt) : '-'}, finished ${r.finishedAt ? iso(r.finishedAt) : '-'}`,
    ...(r.result ? [`  result       ${JSON.stringify(r.result)}`] : []),
  ];
}

export const runCommands: readonly CommandSpec[] = [
  {
    group: 'runs',
    name: 'list',
    summary: 'batch runs, newest first (--status, --schedule ID, --limit, --before ISO)',
    options: {
      status: { type: 'string', value: 'STATUS', help: 'queued | running | succeeded | failed | cancelled' },
      schedule: { type: 'string', value: 'ID', help: "only this schedule's runs (its id)" },
      limit: { type: 'string', value: 'N', help: 'at most N runs (default 50)' },
      before: { type: 'string', value: 'ISO', help: 'runs created before this instant (paging)' },
    },
    async run(call) {
      const query = { status: call.args.string('status'), scheduleId: call.args.string('schedule'), limit: call.args.string('limit'), before: call.args.string('before') };
      const views = await (await runs(call)).list(call.actor.tenantId, Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)));
      if (views.length === 0) return { json: views, text: ['No batch runs.'] };
      return {
        json: views,
        text: table(
          ['ID', 'JOB', 'STATUS', 'PROCESSED', 'FAILED', 'TICK', 'CREATED'],
          views.map((r) => [r.id, r.job, r.status, r.total === null ? String(r.processed) : `${r.processed}/${r.total}`, String(r.failed), r.scheduledFor ? iso(r.scheduledFor) : 'by hand', iso(r.createdAt)]),
        ),
      };
    },
  },
  {
    group: 'runs',
    name: 'show',
    summary: 'one run: counts, rate, ETA, row errors, result or error',
    positionals: ['id'],
    async run(call) {
      const view = await (await runs(call)).get(call.actor.tenantId, call.args.positionals[0]!);
      return { json: view, text: details(view) };
    },
  },
  {
    group: 'runs',
    name: 'errors',
    summary: "a run's row errors, by row (--after ROW --limit N to page)",
    positionals: ['id'],
    options: { after: { type: 'string', value: 'ROW', help: 'rows after this one' }, limit: { type: 'string', value: 'N', help: 'at most N rows (default 100)' } },
    async run(call) {
      const query = Object.fromEntries(Object.entries({ after: call.args.string('after'), limit: call.args.string('limit') }).filter(([, v]) => v !== undefined));
      const page = await (await runs(call)).errors(call.actor.tenantId, call.args.positionals[0]!, query);
      const text = page.items.length === 0 ? ['No row errors.'] : table(['ROW', 'KEY', 'CODE', 'MESSAGE'], page.items.map((e) => [String(e.row), e.key ?? '', e.code, e.message]));
      return { json: page, text: page.nextAfter === null ? text : [...text, `more: --after ${page.nextAfter}`] };
    },
  },
  {
    group: 'runs',
    name: 'cancel',
    summary: 'cancel a queued or running run (the job stops at its next item, keeping what it did)',
    positionals: ['id'],
    async run(call) {
      const view = await (await runs(call)).cancel(call.actor.tenantId, call.args.positionals[0]!);
      return { json: view, text: [`Run ${view.id} is ${view.status}.`] };
    },
  },
  {
    group: 'runs',
    name: 'watch',
    summary: 'follow a run with a progress bar (counts, rate, ETA) until it ends; not a terminal: one line per change',
    positionals: ['id'],
    options: { 'interval-ms': { type: 'string', value: 'MS', help: 'poll every MS milliseconds (default 1000)' } },
    async run(call) {
      const handler = await runs(call);
      const intervalMs = call.args.int('interval-ms', { min: 50, max: 60_000 }) ?? 1_000;
      const read = () => handler.get(call.actor.tenantId, call.args.positionals[0]!);
      let view = await read();
      const bar = process.stderr.isTTY ? new SingleBar({ format: ' {bar} {percentage}% | {value}/{total} | {rate}/s | ETA {etaText} | ok {ok} failed {failedCount} skipped {skippedCount} | {status}', hideCursor: true }) : undefined;
      const payload = (r: RunView) => ({ rate: r.ratePerSecond ?? 0, etaText: eta(r.etaSeconds), ok: r.succeeded, failedCount: r.failed, skippedCount: r.skipped, status: r.status });
      bar?.start(view.total ?? Math.max(view.processed, 1), view.processed, payload(view));
      let last = '';
      try {
        for (;;) {
          if (bar) {
            bar.setTotal(view.total ?? Math.max(view.processed, 1));
            bar.update(view.processed, payload(view));
          } else {
            const line = progressLine(view);
            if (line !== last) call.progress(`${line}\n`);
            last = line;
          }
          if (FINAL.has(view.status)) break;
          await sleep(intervalMs);
          view = await read();
        }
      } finally {
        bar?.stop();
      }
      return { json: view, text: details(view) };
    },
  },
];
