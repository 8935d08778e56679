import { retentionPolicy } from '../../../batch-scheduler/src/config/retention-env';
import { RunRetentionHandler } from '../../../batch-scheduler/src/retention/usecases/run-retention/run-retention.handler';
import { CliError } from '../cli-errors';
import type { CommandSpec } from './command';
import { retentionReportTable } from './output.format';

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
      return { json: report, text: retentionReportTable(report) };
    },
  },
];
