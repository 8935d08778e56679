import { retentionPolicy } from '../../../batch-scheduler/src/config/retention-env';
import { RunRetentionHandler, type RetentionReport } from '../../../batch-scheduler/src/retention/usecases/run-retention/run-retention.handler';
import { CliError } from '../cli-errors';
import type { CommandSpec } from './command';

function reportLines(report: RetentionReport): string[] {
  const verb = report.dryRun ? 'would delete' : 'deleted';
  const rows = report.targets.map((t) => [
    t.target,
    t.days === 0 ? 'forever' : `${t.days} d`,
    t.cutoff ? t.cutoff.replace(/\.\d{3}Z$/, 'Z') : '-',
    String(t.rows),
    report.dryRun ? '-' : String(t.batches),
  ]);
  const header = ['TARGET', 'KEEP', 'OLDER THAN', verb.toUpperCase(), 'BATCHES'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const total = report.targets.reduce((sum, t) => sum + t.rows, 0);
  return [line(header), ...rows.map(line), '', `${report.dryRun ? 'Dry run: would delete' : 'Deleted'} ${total} row(s) in ${report.tookMs} ms.`];
}

export const retentionCommands: readonly CommandSpec[] = [
  {
    group: 'retention',
    name: 'run',
    summary: 'delete rows past their retention (RETENTION_* variables) in batches, as batch-scheduler does on its interval',
    options: { 'dry-run': { type: 'boolean', help: 'only count what would be deleted (takes no lock)' } },
    async run(call) {
      const job = new RunRetentionHandler(await call.runtime.retention(), retentionPolicy(call.env));
      const report = await job.execute({ dryRun: call.args.flag('dry-run') });
      // Nothing was done: a script must be able to tell (exit 1), and retry later.
      if (report.status === 'locked') throw new CliError('RETENTION_BUSY', 'another retention run (batch-scheduler or another CLI) holds the lock; nothing was deleted, try again later');
      return { json: report, text: reportLines(report) };
    },
  },
];
