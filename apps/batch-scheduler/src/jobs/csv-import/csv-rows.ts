import { Readable } from 'node:stream';
import { parse, type CsvError, type Info } from 'csv-parse';
import { createMessage, Messages, type AnyMessage } from '@junction/contracts';
import type { z } from 'zod';
import { BatchJobError } from '../shared/batch-job.error';
import { batchCommandId } from '../shared/command-id';
import type { BatchItem } from '../shared/paced-publisher';
import { IMPORT_TARGETS, mapHeader, type ColumnMap, type ImportTarget } from './csv-columns';

export interface CsvImportSource {
  readonly runId: string;
  readonly tenantId: string;
  readonly target: ImportTarget;
  readonly bytes: Uint8Array;
}

const KEY_MAX = 200;

/** A record stream over the file: one array of cells per record, never the whole file as objects. */
function records(bytes: Uint8Array): AsyncIterable<{ record: string[]; info: Info }> {
  // relax_column_count: a short or long row is that row's error (ROW_COLUMN_COUNT), not the whole file's.
  return Readable.from([bytes]).pipe(parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true }));
}

/** Data rows in the file (a first streaming pass, for the run's total and ETA). */
export async function countDataRows(bytes: Uint8Array): Promise<number> {
  let count = 0;
  try {
    for await (const _ of records(bytes)) count++;
  } catch (error) {
    throw malformed(error);
  }
  return Math.max(0, count - 1);
}

/**
 * The file's rows as batch items, streamed: the header is checked first (a bad header fails the run with its code),
 * then each data row (1-based, header excluded) becomes either the target's command — validated by the command's
 * own zod payload schema, id derived from (run, row) — or a row error naming the columns at fault.
 */
export async function* csvImportItems(source: CsvImportSource): AsyncGenerator<BatchItem> {
  const spec = IMPORT_TARGETS[source.target];
  const schema: z.ZodType = Messages[spec.command].payload;
  let columns: ColumnMap | undefined;
  let row = 0;
  try {
    for await (const { record, info } of records(source.bytes)) {
      if (!columns) {
        columns = mapHeader(source.target, record);
        continue;
      }
      row++;
      yield toItem(source, spec, schema, columns, record, row, info.lines);
    }
  } catch (error) {
    if (error instanceof BatchJobError) throw error;
    throw malformed(error);
  }
  if (!columns) mapHeader(source.target, undefined);
}

function toItem(
  source: CsvImportSource,
  spec: (typeof IMPORT_TARGETS)[ImportTarget],
  schema: z.ZodType,
  columns: ColumnMap,
  record: readonly string[],
  row: number,
  line: number,
): BatchItem {
  const values: Record<string, string> = {};
  columns.fields.forEach((field, i) => {
    const cell = record[i];
    // An empty cell is an absent field (the command's default, or none), not an empty string to validate.
    if (cell !== undefined && cell !== '') values[field] = cell;
  });
  const key = values[spec.keyField]?.slice(0, KEY_MAX);
  if (record.length !== columns.fields.length) {
    return { row, error: { row, key, code: 'ROW_COLUMN_COUNT', message: `line ${line}: ${record.length} values, the header has ${columns.fields.length} columns` } };
  }
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    return { row, error: { row, key, code: 'ROW_INVALID', message: `line ${line}: ${describeIssues(parsed.error, columns)}` } };
  }
  const message = createMessage(spec.command, parsed.data as never, { tenantId: source.tenantId, id: batchCommandId(source.runId, row), correlationId: source.runId }) as AnyMessage;
  return { row, message };
}

/** `email: Invalid email address; customer_type: Invalid option …` with the file's own column names; never the values. */
export function describeIssues(error: z.ZodError, columns: ColumnMap): string {
  const byColumn = new Map<string, string[]>();
  for (const issue of error.issues) {
    const field = typeof issue.path[0] === 'string' ? issue.path[0] : '(row)';
    const column = columns.headerOf[field] ?? field;
    byColumn.set(column, [...(byColumn.get(column) ?? []), issue.message]);
  }
  return [...byColumn].map(([column, messages]) => `${column}: ${messages.join(', ')}`).join('; ');
}

function malformed(error: unknown): BatchJobError {
  const csv = error as Partial<CsvError> & { lines?: number };
  // csv-parse's own message can quote the record: only its code and the line go into the run's error.
  const where = typeof csv.lines === 'number' ? ` near line ${csv.lines}` : '';
  return new BatchJobError('CSV_MALFORMED', `the file is not valid CSV${where} (${csv.code ?? 'parse error'})`, { cause: error });
}
