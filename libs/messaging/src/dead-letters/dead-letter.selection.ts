import { z } from 'zod';
import { ManagementError } from '@junction/contracts';
import type { DeadLetter, DeadLetterFilter } from '@junction/persistence';

/** Stable codes of dead-letter management errors. */
export const DeadLetterErrors = {
  notFound: 'DEAD_LETTER_NOT_FOUND',
  validation: 'VALIDATION_FAILED',
} as const;

const text = z.string().trim().min(1).max(300);

/** Filters of a list, a redrive or a purge (query string or JSON body: every value may arrive as a string). */
export const deadLetterFilterSchema = z
  .object({
    topic: text.optional(),
    subscription: text.optional(),
    type: text.optional(),
    reason: text.optional(),
    since: z.coerce.date().optional(),
  })
  .strict();

export const deadLetterListSchema = deadLetterFilterSchema
  .extend({
    state: z.enum(['open', 'redriven', 'any']).default('any'),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

/** Exactly one of: these rows, the rows a filter matches, all rows. */
export const deadLetterSelectionSchema = z
  .object({
    ids: z.array(z.string().uuid()).min(1).max(1_000).optional(),
    filter: deadLetterFilterSchema.optional(),
    all: z.literal(true).optional(),
    dryRun: z.boolean().default(false),
  })
  .strict()
  .refine((s) => [s.ids, s.filter, s.all].filter((x) => x !== undefined).length === 1, { message: 'give exactly one of ids, filter or all' })
  .refine((s) => s.filter === undefined || Object.values(s.filter).some((v) => v !== undefined), { message: 'an empty filter: use all: true to mean every dead letter' });

export type DeadLetterListInput = z.input<typeof deadLetterListSchema>;
export type DeadLetterSelectionInput = z.input<typeof deadLetterSelectionSchema>;
export type DeadLetterSelection = z.output<typeof deadLetterSelectionSchema>;

export function parseInput<T extends z.ZodTypeAny>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data as z.output<T>;
  const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
  throw new ManagementError(DeadLetterErrors.validation, 400, detail);
}

/** The repository filter a selection means; `tenantId` narrows to one tenant's envelopes (see DeadLetterAdmin). */
export function filterOf(selection: DeadLetterSelection, tenantId: string | undefined): DeadLetterFilter {
  const base: DeadLetterFilter = selection.ids ? { ids: selection.ids } : { ...(selection.filter ?? {}) };
  return tenantId === undefined ? base : { ...base, tenant: tenantScope(tenantId) };
}

/** A tenant's rows: by the tenantId column, and for rows mirrored before it existed, by the body's marker. */
export function tenantScope(tenantId: string): NonNullable<DeadLetterFilter['tenant']> {
  return { tenantId, bodyMarker: tenantMarker(tenantId) };
}

/** Whether a row is the tenant's (the same rule as `tenantScope`, for one row already read). */
export function belongsTo(row: Pick<DeadLetter, 'tenantId' | 'rawBody'>, tenantId: string): boolean {
  return row.tenantId === null ? row.rawBody.includes(tenantMarker(tenantId)) : row.tenantId === tenantId;
}

/**
 * How a tenant's envelope reads in the stored JSON text (producers serialize with JSON.stringify: no spaces): the
 * fallback for rows mirrored before dead_letter.tenantId existed (null there).
 */
export function tenantMarker(tenantId: string): string {
  return `"tenantId":${JSON.stringify(tenantId)}`;
}

/**
 * Application properties that may carry a credential if a producer ever put one there (ours carry trace context and
 * the correlation id): shown as [redacted], still republished as they were by a redrive.
 */
const SECRET_HEADER = /authorization|cookie|secret|token|password|passwd|api[-_]?key|signature|credential|session|baggage/i;

export function redactHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === null || typeof headers !== 'object') return out;
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    out[key] = SECRET_HEADER.test(key) ? '[redacted]' : String(value);
  }
  return out;
}

export interface DeadLetterSummary {
  id: string;
  messageId: string;
  topic: string;
  subscription: string;
  type: string;
  reason: string;
  deliveryCount: number;
  deadLetteredAt: Date;
  redrivenAt: Date | null;
}

export interface DeadLetterDetail extends DeadLetterSummary {
  description: string;
  headers: Record<string, string>;
  /** As stored: the bytes the broker delivered (possibly not JSON: that may be why it was dead-lettered). */
  rawBody: string;
}

export function summaryOf(row: DeadLetter): DeadLetterSummary {
  const { id, messageId, topic, subscription, type, reason, deliveryCount, deadLetteredAt, redrivenAt } = row;
  return { id, messageId, topic, subscription, type, reason, deliveryCount, deadLetteredAt, redrivenAt };
}

export function detailOf(row: DeadLetter): DeadLetterDetail {
  return { ...summaryOf(row), description: row.description, headers: redactHeaders(row.headers), rawBody: row.rawBody };
}
