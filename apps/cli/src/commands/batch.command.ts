import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { batchJobsEnvShape } from '../../../batch-scheduler/src/config/batch-jobs-env';
import { csvImportParams } from '../../../batch-scheduler/src/jobs/csv-import/csv-import.job';
import { countDataRows } from '../../../batch-scheduler/src/jobs/csv-import/csv-rows';
import { BatchJobError } from '../../../batch-scheduler/src/jobs/shared/batch-job.error';
import type { RunView } from '../../../batch-scheduler/src/runs/run.view';
import { CliError, UsageError } from '../cli-errors';
import type { CommandCall, CommandSpec } from './command';
import { progressLine } from './runs.command';

const FINAL = new Set(['succeeded', 'failed', 'cancelled']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A file name as batch_file keeps it: the base name, anything unusual replaced. */
const fileName = (path: string) => basename(path).replace(/[^\w .-]/g, '_').slice(0, 120) || 'upload.csv';

async function readCsv(call: CommandCall, path: string): Promise<Buffer> {
  const max = batchJobsEnvShape.BATCH_FILE_MAX_BYTES.parse(call.readVariable('BATCH_FILE_MAX_BYTES'));
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new CliError('FILE_UNREADABLE', `${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (bytes.byteLength === 0) throw new CliError('EMPTY_FILE', `${path} is empty`);
  if (bytes.byteLength > max) throw new CliError('FILE_TOO_LARGE', `${path} is ${bytes.byteLength} bytes, over BATCH_FILE_MAX_BYTES (${max})`);
  return bytes;
}

/** Polls the run until it ends (progress on stderr), or throws RUN_TIMEOUT. */
async function waitForRun(call: CommandCall, id: string, timeoutMs: number): Promise<RunView> {
  const runs = (await call.runtime.scheduler()).runs;
  const until = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const view = await runs.get(call.actor.tenantId, id);
    const line = progressLine(view);
    if (line !== last) call.progress(`${line}\n`);
    last = line;
    if (FINAL.has(view.status)) return view;
    if (Date.now() > until) throw new CliError('RUN_TIMEOUT', `run ${id} is still ${view.status} after ${timeoutMs / 1_000} s (it goes on: junction runs watch ${id})`);
    await sleep(500);
  }
}

async function download(call: CommandCall, fileId: string, out: string): Promise<{ id: string; name: string; size: number; sha256: string; out: string }> {
  const file = await (await call.runtime.batchFiles()).findInTenant(call.actor.tenantId, fileId);
  if (!file) throw new CliError('FILE_NOT_FOUND', `batch file ${fileId} not found in tenant ${call.actor.tenantId}`);
  await writeFile(out, file.bytes);
  return { id: file.id, name: file.name, size: file.size, sha256: file.sha256, out };
}

export const batchCommands: readonly CommandSpec[] = [
  {
    group: 'batch',
    name: 'import',
    summary: 'upload a CSV into batch_file and queue a csv.import run (--target erp.customer | crm.lead); prints the run id',
    positionals: ['file'],
    options: {
      target: { type: 'string', required: true, value: 'TARGET', help: 'erp.customer (erp.customer.create per row) or crm.lead (crm.lead.create)' },
      rate: { type: 'string', value: 'N', help: 'commands per second (default: the provider’s limit)' },
    },
    async run(call) {
      const path = call.args.positionals[0]!;
      const target = csvImportParams.shape.target.safeParse(call.args.string('target'));
      if (!target.success) throw new UsageError(`--target must be one of ${csvImportParams.shape.target.options.join(', ')}`);
      const rate = call.args.number('rate', { min: 0.001, max: 1_000 });
      const bytes = await readCsv(call, path);
      let rows: number;
      try {
        rows = await countDataRows(bytes);
      } catch (error) {
        if (error instanceof BatchJobError) throw new CliError(error.code, `${path}: ${error.message}`);
        throw error;
      }
      const file = await (await call.runtime.batchFiles()).save({ tenantId: call.actor.tenantId, name: fileName(path), bytes });
      const params = { fileId: file.id, target: target.data, ...(rate === undefined ? {} : { ratePerSecond: rate }) };
      const run = await (await call.runtime.scheduler()).runs.start(call.actor.tenantId, { job: 'csv.import', params });
      return {
        json: { file: { id: file.id, name: file.name, size: file.size, sha256: file.sha256, rows }, run },
        text: [run.id],
        notes: [`uploaded ${file.name}: ${rows} rows, ${file.size} bytes (file ${file.id}); csv.import run ${run.id} queued — follow it with: junction runs watch ${run.id}`],
      };
    },
  },
  {
    group: 'batch',
    name: 'export',
    summary: 'queue a csv.export run of the ERPNext customers; with --wait, wait for it and write the CSV to --out',
    options: {
      out: { type: 'string', value: 'PATH', help: 'where --wait writes the CSV' },
      wait: { type: 'boolean', help: 'wait for the run (progress on stderr) and download its file' },
      timeout: { type: 'string', value: 'S', help: 'seconds --wait waits at most (default 600)' },
    },
    async run(call) {
      const out = call.args.string('out');
      const wait = call.args.flag('wait');
      if (wait && !out) throw new UsageError('--wait needs --out PATH (where to write the CSV)');
      const timeout = call.args.int('timeout', { min: 1, max: 86_400 }) ?? 600;
      const params = out ? { fileName: fileName(out).replace(/(\.csv)?$/i, '.csv') } : {};
      const run = await (await call.runtime.scheduler()).runs.start(call.actor.tenantId, { job: 'csv.export', params });
      if (!wait) return { json: { run }, text: [run.id], notes: [`csv.export run ${run.id} queued; when it succeeded: junction batch download <result.fileId> --out ${out ?? 'customers.csv'}`] };
      const done = await waitForRun(call, run.id, timeout * 1_000);
      if (done.status !== 'succeeded') {
        const error = done.error as { code?: string; message?: string } | null;
        throw new CliError(error?.code ?? 'RUN_FAILED', `csv.export run ${run.id} ${done.status}: ${error?.message ?? 'no error recorded'}`);
      }
      const fileId = String((done.result as { fileId?: unknown } | null)?.fileId ?? '');
      const file = await download(call, fileId, out!);
      return { json: { run: done, file }, text: [`${out}: ${(done.result as { rows?: number }).rows ?? '?'} customers, ${file.size} bytes (sha256 ${file.sha256})`] };
    },
  },
  {
    group: 'batch',
    name: 'download',
    summary: 'write a batch file (an export, an upload) to --out',
    positionals: ['fileId'],
    options: { out: { type: 'string', required: true, value: 'PATH', help: 'the file to write' } },
    async run(call) {
      const file = await download(call, call.args.positionals[0]!, call.args.string('out')!);
      return { json: file, text: [`${file.out}: ${file.size} bytes (sha256 ${file.sha256})`] };
    },
  },
];
