import { z } from 'zod';
import { ManagementError } from '@junction/contracts';
import type { Alert } from '@junction/persistence';
import { AlertErrors } from '../../alert-errors';
import type { AlertRepository, AlertWithDeliveries } from '../../alert.repository';

export const alertListQuerySchema = z.strictObject({
  status: z.enum(['firing', 'resolved']).optional(),
  rule: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** An alert as the API and CLI show it: the row without its internal dedupe key. */
export type AlertView = Omit<Alert, 'openKey'>;
export type AlertDetailView = AlertView & { deliveries: AlertWithDeliveries['deliveries'] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The tenant's alerts, newest first (GET /alerts, `junction alerts list`), and one with its deliveries (GET /alerts/:id). */
export class ListAlertsHandler {
  constructor(private readonly alerts: AlertRepository) {}

  async list(tenantId: string, query: unknown): Promise<{ items: AlertView[] }> {
    const parsed = alertListQuerySchema.safeParse(query ?? {});
    if (!parsed.success) throw new ManagementError(AlertErrors.invalidQuery, 400, parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '));
    const rows = await this.alerts.list({ tenantId, ...parsed.data });
    return { items: rows.map(view) };
  }

  async get(tenantId: string, id: string): Promise<AlertDetailView> {
    const row = UUID.test(id) ? await this.alerts.find(tenantId, id) : null;
    if (!row) throw new ManagementError(AlertErrors.notFound, 404, `no alert ${id}`);
    const { deliveries, ...alert } = row;
    return { ...view(alert), deliveries };
  }
}

function view(row: Alert): AlertView {
  const { openKey: _key, ...rest } = row;
  return rest;
}
