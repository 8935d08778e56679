import { Inject, Injectable, Logger } from '@nestjs/common';
import { type ActorContext, ManagementError } from '@junction/contracts';
import { AuditEventRepository, type DeadLetter, DeadLetterRepository, PrismaService } from '@junction/persistence';
import { JsonText, type MessageBus, type OutgoingMessage, REDRIVE_COUNT_HEADER } from '../bus/message-bus.port';
import { MESSAGE_BUS } from '../messaging.tokens';
import {
  belongsTo,
  type DeadLetterDetail,
  DeadLetterErrors,
  deadLetterListSchema,
  deadLetterSelectionSchema,
  type DeadLetterSummary,
  detailOf,
  filterOf,
  parseInput,
  summaryOf,
  tenantScope,
} from './dead-letter.selection';

/** Rows one redrive or purge handles at most; a larger selection is done in several calls (`remaining` says so). */
export const DEAD_LETTER_BATCH_MAX = 1_000;

/** DLQ messages a removal looks at per subscription: beyond that, the broker copy stays (the mirror row still goes). */
export const DLQ_SCAN_MAX = 10_000;

/**
 * Who acts on dead letters. `tenantId` set: an admin API key, which sees only dead letters whose envelope names its
 * tenant. Undefined: the installation's operator (the CLI), who sees all of them, unparseable bodies included.
 */
export interface DeadLetterActor {
  actor: string;
  tenantId?: string;
}

/**
 * A bus opened on first use: the CLI lists and shows dead letters from Postgres alone, and connects to the broker
 * only to redrive or purge.
 */
export class LazyBus {
  constructor(readonly open: () => Promise<MessageBus>) {}
}

export interface DeadLetterActionResult {
  dryRun: boolean;
  /** The bus the redrive or purge went through (undefined on a dry run, which touches no broker). */
  transport?: MessageBus['transport'];
  /** Rows the selection matched (up to DEAD_LETTER_BATCH_MAX). */
  matched: number;
  /** Matching rows left for another call. */
  remaining: number;
  items: DeadLetterSummary[];
  /** DLQ messages the broker removed (0 on a dry run). */
  removedFromBroker: number;
  /** A broker step that failed: the mirror is done, the DLQ copy stays (peek it; purge it again later). */
  brokerError?: string;
}

/**
 * List, inspect, redrive and purge dead letters, from the `dead_letter` mirror (every transport writes it, so this
 * works the same on memory, RabbitMQ and Service Bus) and the broker's DLQ. A redrive republishes the stored bytes to
 * the message's topic with the same message id, the original application properties and a redrive counter, so the
 * idempotent consumer acknowledges a message whose effect already happened without repeating it. Order: DLQ copies
 * removed, publish, rows marked; a crash before the mark republishes once more on the next redrive, which the same id
 * makes harmless.
 */
@Injectable()
export class DeadLetterAdmin {
  private readonly logger = new Logger(DeadLetterAdmin.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly deadLetters: DeadLetterRepository,
    private readonly audit: AuditEventRepository,
    @Inject(MESSAGE_BUS) private readonly source: MessageBus | LazyBus,
  ) {}

  private bus(): Promise<MessageBus> {
    return this.source instanceof LazyBus ? this.source.open() : Promise.resolve(this.source);
  }

  async list(who: DeadLetterActor, query: unknown): Promise<{ total: number; items: DeadLetterSummary[]; limit: number; offset: number }> {
    const q = parseInput(deadLetterListSchema, query);
    const filter = { ...q, ...(who.tenantId === undefined ? {} : { tenant: tenantScope(who.tenantId) }) };
    const [total, rows] = await Promise.all([this.deadLetters.count(filter), this.deadLetters.list(filter)]);
    return { total, items: rows.map(summaryOf), limit: q.limit, offset: q.offset };
  }

  async show(who: DeadLetterActor, id: string): Promise<DeadLetterDetail> {
    return detailOf(await this.row(who, id));
  }

  async redrive(who: DeadLetterActor, input: unknown): Promise<DeadLetterActionResult> {
    const selection = parseInput(deadLetterSelectionSchema, input);
    // A redrive takes rows not yet redriven; named ids are taken as they are (an operator may redrive one again).
    const filter = { ...filterOf(selection, who.tenantId), ...(selection.ids ? {} : { state: 'open' as const }) };
    const { rows, remaining } = await this.select(filter, selection.ids);
    const result: DeadLetterActionResult = { dryRun: selection.dryRun, matched: rows.length, remaining, items: rows.map(summaryOf), removedFromBroker: 0 };
    if (selection.dryRun || rows.length === 0) return result;

    const bus = await this.bus();
    result.transport = bus.transport;
    const messages = uniqueMessages(rows);
    // The DLQ copies go before the publish: a redriven message that fails again at once is dead-lettered again under
    // the same id, and removing after the publish could take that new copy too. A publish that fails after this
    // leaves the rows open: the mirror holds everything a redrive needs.
    await this.removeFromBroker(bus, rows, result);
    await bus.publish(messages.map(republished));
    const at = new Date();
    await this.prisma.transaction(async (tx) => {
      await this.deadLetters.markRedriven(messages.map((m) => ({ subscription: m.subscription, messageId: m.messageId })), at, tx);
      await this.audit.insertMany(
        [{ action: 'dead-letter.redriven', actor: who.actor, tenantId: who.tenantId ?? null, subject: subjectOf(selection, rows), outcome: 'ok', detail: auditDetail(selection, rows) }],
        tx,
      );
    });
    for (const row of rows) row.redrivenAt = at;
    result.items = rows.map(summaryOf);
    this.logger.log({ message: 'dead letters redriven', actor: who.actor, rows: rows.length, messages: messages.length, transport: bus.transport });
    return result;
  }

  async purge(who: DeadLetterActor, input: unknown): Promise<DeadLetterActionResult> {
    const selection = parseInput(deadLetterSelectionSchema, input);
    const { rows, remaining } = await this.select(filterOf(selection, who.tenantId), selection.ids);
    const result: DeadLetterActionResult = { dryRun: selection.dryRun, matched: rows.length, remaining, items: rows.map(summaryOf), removedFromBroker: 0 };
    if (selection.dryRun || rows.length === 0) return result;
    // Opened before anything is deleted: a broker that cannot be reached fails the purge with nothing changed.
    const bus = await this.bus();
    result.transport = bus.transport;
    await this.prisma.transaction(async (tx) => {
      await this.deadLetters.delete(
        rows.map((r) => r.id),
        tx,
      );
      await this.audit.insertMany(
        [{ action: 'dead-letter.purged', actor: who.actor, tenantId: who.tenantId ?? null, subject: subjectOf(selection, rows), outcome: 'ok', detail: auditDetail(selection, rows) }],
        tx,
      );
    });
    // A redriven row's DLQ copy is gone already; only the open ones still have one.
    await this.removeFromBroker(
      bus,
      rows.filter((r) => r.redrivenAt === null),
      result,
    );
    return result;
  }

  /**
   * Mirrors what only the broker's DLQ holds: a message the broker dead-lettered by itself never reached the
   * dispatcher (RabbitMQ's x-delivery-limit after a crash loop; a mirror write that failed). Looks at up to `max`
   * messages per subscription; one that has an open row for its subscription is skipped, so running it again adds
   * nothing. Installation operators only (the CLI): a broker-only message may name no tenant.
   */
  async syncFromBroker(who: DeadLetterActor, subscriptions: readonly { topic: string; subscription: string }[], max = DLQ_SCAN_MAX): Promise<{ scanned: number; imported: number }> {
    const bus = await this.bus();
    let scanned = 0;
    let imported = 0;
    for (const { topic, subscription } of subscriptions) {
      const dead = await bus.peekDeadLetters(topic, subscription, max);
      scanned += dead.length;
      const mirrored = await this.deadLetters.openMessageIds(
        subscription,
        dead.map((d) => d.messageId),
      );
      const missing = dead.filter((d) => !mirrored.has(d.messageId));
      if (missing.length === 0) continue;
      await this.prisma.transaction(async (tx) => {
        for (const d of missing) {
          await this.deadLetters.record(
            { messageId: d.messageId, topic, subscription, type: d.type, reason: d.reason, description: d.description, deliveryCount: d.deliveryCount, rawBody: d.rawBody, headers: { ...d.headers } },
            tx,
          );
        }
        await this.audit.insertMany(
          [{ action: 'dead-letter.synced', actor: who.actor, tenantId: who.tenantId ?? null, subject: `${topic}/${subscription}`, outcome: 'ok', detail: { rows: missing.length, messageIds: missing.slice(0, 100).map((d) => d.messageId) } }],
          tx,
        );
      });
      imported += missing.length;
    }
    return { scanned, imported };
  }

  private async row(who: DeadLetterActor, id: string): Promise<DeadLetter> {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
    const row = uuid ? await this.deadLetters.find(id) : null;
    if (!row || (who.tenantId !== undefined && !belongsTo(row, who.tenantId))) {
      throw new ManagementError(DeadLetterErrors.notFound, 404, `no dead letter ${id}`);
    }
    return row;
  }

  private async select(filter: Parameters<DeadLetterRepository['select']>[0], ids: readonly string[] | undefined): Promise<{ rows: DeadLetter[]; remaining: number }> {
    const rows = await this.deadLetters.select(filter, DEAD_LETTER_BATCH_MAX);
    if (ids) {
      const found = new Set(rows.map((r) => r.id));
      const missing = ids.filter((id) => !found.has(id));
      if (missing.length > 0) throw new ManagementError(DeadLetterErrors.notFound, 404, `no dead letter ${missing.join(', ')}`);
      return { rows, remaining: 0 };
    }
    const remaining = rows.length < DEAD_LETTER_BATCH_MAX ? 0 : Math.max(0, (await this.deadLetters.count(filter)) - rows.length);
    return { rows, remaining };
  }

  /** Per subscription, every copy of these messages in its DLQ. A failure leaves the broker copy and says so. */
  private async removeFromBroker(bus: MessageBus, rows: readonly DeadLetter[], result: DeadLetterActionResult): Promise<void> {
    const bySubscription = new Map<string, { topic: string; subscription: string; ids: Set<string> }>();
    for (const row of rows) {
      const key = `${row.topic}\u0000${row.subscription}`;
      let entry = bySubscription.get(key);
      if (!entry) bySubscription.set(key, (entry = { topic: row.topic, subscription: row.subscription, ids: new Set() }));
      entry.ids.add(row.messageId);
    }
    for (const { topic, subscription, ids } of bySubscription.values()) {
      try {
        result.removedFromBroker += await bus.removeDeadLetters(topic, subscription, ids, DLQ_SCAN_MAX);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        result.brokerError = `${topic}/${subscription}: ${message}`;
        this.logger.warn({ message: 'could not remove dead letters from the broker DLQ', topic, subscription, error: message });
      }
    }
  }
}

/** One republish per (subscription, message id): a message dead-lettered twice has two rows and is owed once. */
function uniqueMessages(rows: readonly DeadLetter[]): DeadLetter[] {
  const seen = new Map<string, DeadLetter>();
  for (const row of rows) {
    const key = `${row.subscription}\u0000${row.messageId}`;
    if (!seen.has(key)) seen.set(key, row);
  }
  return [...seen.values()];
}

function republished(row: DeadLetter): OutgoingMessage {
  const headers: Record<string, string> = {};
  if (row.headers !== null && typeof row.headers === 'object' && !Array.isArray(row.headers)) {
    for (const [key, value] of Object.entries(row.headers)) if (typeof value === 'string') headers[key] = value;
  }
  const count = Number.parseInt(headers[REDRIVE_COUNT_HEADER] ?? '0', 10);
  headers[REDRIVE_COUNT_HEADER] = String((Number.isFinite(count) ? count : 0) + 1);
  // The bytes as stored: a body that was not JSON is republished as it was (and dead-lettered again, by its consumer).
  return { topic: row.topic, messageId: row.messageId, type: row.type, body: new JsonText(row.rawBody), headers };
}

function subjectOf(selection: { ids?: string[]; all?: true }, rows: readonly DeadLetter[]): string {
  if (selection.ids && rows.length === 1) return rows[0]!.id;
  return selection.all ? 'all' : 'filter';
}

function auditDetail(selection: { ids?: string[]; filter?: Record<string, unknown>; all?: true }, rows: readonly DeadLetter[]) {
  return {
    selection: selection.ids ? 'ids' : selection.all ? 'all' : 'filter',
    ...(selection.filter ? { filter: JSON.parse(JSON.stringify(selection.filter)) as Record<string, string> } : {}),
    rows: rows.length,
    messageIds: rows.slice(0, 100).map((r) => r.messageId),
  };
}
