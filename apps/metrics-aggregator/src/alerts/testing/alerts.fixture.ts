/** Test fixtures (specs only): an evaluator over a real database, call records through the real windows pipeline, and what an alert left behind. */
import { MessagePublisher } from '@junction/messaging';
import { OutboxRepository, type PrismaService } from '@junction/persistence';
import { callRecord, type CallPayload } from '../../testing/call-records.fixture';
import { MetricWindowRepository } from '../../windows/metric-window.repository';
import { RecordCallBatchHandler } from '../../windows/usecases/record-call-batch/record-call-batch.handler';
import { AlertSignalsRepository } from '../alert-signals.repository';
import { AlertRepository } from '../alert.repository';
import { EvaluateAlertsHandler } from '../usecases/evaluate-alerts/evaluate-alerts.handler';

/** An evaluator as the app wires it, with an outbox-only publisher (the test reads the outbox rows). */
export function evaluator(prisma: PrismaService): EvaluateAlertsHandler {
  return new EvaluateAlertsHandler(new AlertRepository(prisma), new AlertSignalsRepository(prisma), MessagePublisher.outboxOnly(new OutboxRepository(prisma)));
}

/** `n` call records of one tenant at `at` (+ i ms), folded into metric_window by the aggregator's own batch writer. */
export async function recordCalls(prisma: PrismaService, tenantId: string, at: Date, n: number, payload: Partial<CallPayload> & { latencyMs?: number }): Promise<void> {
  const writer = new RecordCallBatchHandler(new MetricWindowRepository(prisma), 'metrics-aggregator');
  const { latencyMs = 120, ...rest } = payload;
  await writer.execute(Array.from({ length: n }, (_, i) => callRecord(tenantId, { connection: 'conn-main', ...rest, latencyMs, occurredAt: new Date(at.getTime() + i).toISOString() })));
}

/** Two enabled channels and a disabled one: deliveries go to the two. */
export async function addChannels(prisma: PrismaService, tenantId: string): Promise<string[]> {
  const hook = await prisma.alertChannel.create({ data: { tenantId, name: 'ops-hook', kind: 'webhook', url: 'https://hooks.example.test/junction' } });
  const slack = await prisma.alertChannel.create({ data: { tenantId, name: 'ops-slack', kind: 'slack' } });
  await prisma.alertChannel.create({ data: { tenantId, name: 'muted', kind: 'webhook', url: 'https://muted.example.test/', enabled: false } });
  return [hook.id, slack.id].sort();
}

export interface AlertTrail {
  alerts: Array<{ id: string; status: string; subject: string; value: number | null; openKey: string | null; resolvedAt: Date | null }>;
  fired: string[];
  resolved: string[];
  deliveries: Array<{ alertId: string; channelId: string; event: string; status: string }>;
}

/** Everything one tenant's rule left: its alerts, the ops.alert.* outbox rows naming them, their delivery rows. */
export async function trail(prisma: PrismaService, tenantId: string, rule: string): Promise<AlertTrail> {
  const alerts = await prisma.alert.findMany({ where: { tenantId, rule }, orderBy: { firedAt: 'asc' } });
  const ids = new Set(alerts.map((a) => a.id));
  const outbox = await prisma.outboxMessage.findMany({ where: { type: { in: ['ops.alert.fired', 'ops.alert.resolved'] } } });
  const of = (type: string) =>
    outbox
      .filter((o) => o.type === type)
      .map((o) => JSON.parse(o.body) as { tenantId: string; payload: { alertId: string; rule: string } })
      .filter((m) => ids.has(m.payload.alertId) && m.tenantId === tenantId && m.payload.rule === rule)
      .map((m) => m.payload.alertId);
  const deliveries = await prisma.alertDelivery.findMany({ where: { alertId: { in: [...ids] } }, select: { alertId: true, channelId: true, event: true, status: true } });
  return { alerts: alerts.map(({ id, status, subject, value, openKey, resolvedAt }) => ({ id, status, subject, value, openKey, resolvedAt })), fired: of('ops.alert.fired'), resolved: of('ops.alert.resolved'), deliveries };
}
