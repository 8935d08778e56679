import { BadRequestException } from '@nestjs/common';
import { z } from 'zod';
import type { MetricWindowRepository } from '../../metric-window.repository';
import { WindowSizes, type WindowRow } from '../../window-aggregate';

const DEFAULT_SPAN_MS = { '1m': 3_600_000, '1h': 7 * 86_400_000 } as const;
const MAX_ROWS = 5_000;

export const integrationWindowsQuerySchema = z.strictObject({
  provider: z.string().min(1).max(100).optional(),
  connection: z.string().min(1).max(200).optional(),
  operation: z.string().min(1).max(200).optional(),
  window: z.enum(WindowSizes).default('1m'),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_ROWS).default(1_000),
});

/** One window as the API shows it: the stored figures, without the sketch bytes. */
export type IntegrationWindowView = Omit<WindowRow, 'latencySketch' | 'tenantId'>;

export interface IntegrationWindowsView {
  window: (typeof WindowSizes)[number];
  from: string;
  to: string;
  items: IntegrationWindowView[];
}

/** The caller's tenant's windows of one size in [from, to) (default: the last hour of minutes, the last week of hours). */
export class GetIntegrationWindowsHandler {
  constructor(
    private readonly windows: MetricWindowRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async execute(tenantId: string, query: Record<string, unknown>): Promise<IntegrationWindowsView> {
    const parsed = integrationWindowsQuerySchema.safeParse(query);
    if (!parsed.success) throw new BadRequestException({ code: 'INVALID_QUERY', message: parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ') });
    const q = parsed.data;
    const to = q.to ? new Date(q.to) : this.now();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - DEFAULT_SPAN_MS[q.window]);
    if (from >= to) throw new BadRequestException({ code: 'INVALID_QUERY', message: 'from must be before to' });
    const rows = await this.windows.find({ tenantId, windowSize: q.window, from, to, provider: q.provider, connection: q.connection, operation: q.operation, limit: q.limit });
    return { window: q.window, from: from.toISOString(), to: to.toISOString(), items: rows.map(({ latencySketch: _sketch, tenantId: _tenant, ...view }) => view) };
  }
}
