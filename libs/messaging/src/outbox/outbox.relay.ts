import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { OutboxRepository, type OutboxRow } from '@junction/persistence';
import { withSendSpans } from '@junction/telemetry';
import { JsonText, type MessageBus, type OutgoingMessage } from '../bus/message-bus.port';
import { messagingAttributes } from '../publishing/outgoing-message';
import { MESSAGE_BUS, MESSAGING_OPTIONS } from '../messaging.tokens';
import type { MessagingModuleOptions } from '../messaging.module';
import { FailedBatchTriage } from './failed-batch.triage';

/** Rows this process committed to the outbox, as they were written (the relay need not read them back). */
export type CommittedRow = Pick<OutboxRow, 'id' | 'topic' | 'type' | 'body' | 'headers'> & { sessionId?: string | null };

/** Committed rows held for the relay at most; beyond this (or while the broker fails) the poll finds them. */
const COMMITTED_MAX = 10_000;

/**
 * Moves committed outbox rows to the broker. Two ways in, one transaction shape (delete, publish, commit):
 * - rows this process just committed and still holds (`committed`) are deleted by id and published as held;
 * - a claim finds every other due row: at every wake-up (`wake`, after a commit whose rows it does not hold), at
 *   least every `relayPollMs`, and after any failure. Several replicas may run side by side: claims SKIP LOCKED,
 *   and a row is published only by the transaction that deleted it.
 * Publish failures (broker down) back off exponentially up to 30 s; rows stay in Postgres meanwhile. A failure that
 * is one row's, not the broker's (FailedBatchTriage), does not stop the others: the row is parked or retried later,
 * and the rest of its batch is published in the same pass, without backoff.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  private woken = false;
  private committedRows: CommittedRow[] = [];
  /** The outbox may hold due rows this process does not hold: claim at the next pass. */
  private claimDue = true;
  private failures = 0;
  private lastError?: string;
  private readonly triage: FailedBatchTriage;

  constructor(
    private readonly outbox: OutboxRepository,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
  ) {
    const pollMs = options.relayPollMs ?? 200;
    this.triage = new FailedBatchTriage(
      outbox,
      (rows) => this.publish(rows),
      toOutgoingRow,
      { maxAttempts: options.relayMaxAttempts ?? 10, retryDelayMs: (attempts) => backoffMs(pollMs, attempts), maxMessageBytes: bus.maxMessageBytes },
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    if (this.options.relay === false) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Before the database pool closes (PrismaService closes in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  /** Rows were committed to the outbox: look now instead of at the next poll. */
  wake(): void {
    this.claimDue = true;
    this.nudge();
  }

  /** Rows this process just committed to the outbox, as written: relayed without reading them back. */
  committed(rows: readonly CommittedRow[]): void {
    if (!this.running || this.failures > 0 || this.committedRows.length + rows.length > COMMITTED_MAX) {
      this.claimDue = true;
      return;
    }
    for (const row of rows) this.committedRows.push(row);
    this.nudge();
  }

  /** Ends the wait for the next pass, unless the relay is backing off after a failure. */
  private nudge(): void {
    this.woken = true;
    if (this.failures === 0) this.wakeUp?.();
  }

  /** For readiness: a relay that keeps failing means events are piling up. */
  health(): { up: boolean; failures: number; lastError?: string } {
    return { up: this.failures < 5, failures: this.failures, lastError: this.lastError };
  }

  /**
   * Claims until nothing is due, leaving alone the rows held for `relayCommitted`. Returns how many rows were
   * published. A batch that fails goes to the triage, which parks or delays the rows at fault and publishes the
   * others, or rethrows when the broker is at fault. `publishedBefore`: rows this pass already published (the broker
   * was up a moment ago). Used by the loop and by tests.
   */
  async drain(batchSize = this.options.relayBatchSize ?? 100, publishedBefore = 0): Promise<number> {
    let total = 0;
    for (;;) {
      const skip = this.committedRows.map((row) => row.id);
      let claimed: OutboxRow[] = [];
      try {
        const n = await this.outbox.relayBatch(
          batchSize,
          (rows) => {
            claimed = rows;
            return this.publish(rows);
          },
          { skip },
        );
        total += n;
        if (n < batchSize) return total;
      } catch (error: unknown) {
        // Nothing claimed: the database failed, not a publish.
        if (claimed.length === 0) throw error;
        total += await this.triage.settle(claimed, error, publishedBefore + total > 0);
      }
    }
  }

  /**
   * Relays the rows held from `committed` when the pass began (later ones wait for the next), oldest first. When a
   * publish fails the held rows are let go: they are still in the outbox, and the claim that follows in this pass
   * takes them (a batch that fails again goes to the triage).
   */
  private async relayCommitted(batchSize = this.options.relayBatchSize ?? 100): Promise<number> {
    let total = 0;
    try {
      for (let left = this.committedRows.length; left > 0; ) {
        const batch = this.committedRows.slice(0, Math.min(batchSize, left));
        total += await this.outbox.relayCommitted(batch, (rows) => this.publish(rows));
        this.committedRows.splice(0, batch.length);
        left -= batch.length;
      }
    } catch (error: unknown) {
      // Not rethrown: whether this is the broker's failure or one row's is the triage's call, after the claim.
      this.committedRows = [];
      this.claimDue = true;
      this.logger.debug(`held outbox rows not relayed (${(error as Error).message}): the claim takes them`);
    }
    return total;
  }

  /** Each row's publish is a `send` span in the trace its stored `traceparent` names (the transaction that wrote it). */
  private publish(rows: readonly CommittedRow[]): Promise<void> {
    const messages = rows.map(toOutgoingRow);
    const spans = messages.map((m) => ({ name: `${m.topic} send`, headers: m.headers ?? {}, attributes: messagingAttributes('send', this.bus.transport, m.topic, m.messageId) }));
    return withSendSpans(spans, () => this.bus.publish(messages));
  }

  private async run(): Promise<void> {
    const pollMs = this.options.relayPollMs ?? 200;
    const lingerMs = this.options.relayLingerMs ?? 25;
    let lastPublished = -Infinity;
    let lastClaim = -Infinity;
    while (this.running) {
      // Rows keep coming (the last pass published some): let the commits of the linger join the next pass.
      const linger = lastPublished + lingerMs - performance.now();
      if (linger > 0) await new Promise((resolve) => setTimeout(resolve, linger));
      this.woken = false;
      let pause = pollMs;
      try {
        let published = await this.relayCommitted();
        if (this.claimDue || performance.now() - lastClaim >= pollMs) {
          this.claimDue = false;
          lastClaim = performance.now();
          published += await this.drain(undefined, published);
        }
        if (published > 0) lastPublished = performance.now();
        if (this.failures > 0) this.logger.log(`outbox relay recovered after ${this.failures} failed attempts`);
        this.failures = 0;
        this.lastError = undefined;
      } catch (error) {
        this.claimDue = true;
        this.failures++;
        this.lastError = (error as Error).message;
        pause = backoffMs(pollMs, this.failures);
        this.logger.warn(`outbox relay failed (attempt ${this.failures}), retrying in ${pause} ms: ${this.lastError}`);
      }
      if (this.running && (!this.woken || this.failures > 0)) await this.sleep(pause);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }
}

/** Exponential, up to 30 s: the relay's wait after its `failures`-th failure in a row, and a failing row's. */
function backoffMs(pollMs: number, failures: number): number {
  return Math.min(30_000, pollMs * 2 ** Math.min(failures, 8));
}

function toOutgoingRow(row: CommittedRow): OutgoingMessage {
  const headers = Object.fromEntries(Object.entries(row.headers ?? {}).map(([k, v]) => [k, String(v)]));
  return {
    topic: row.topic,
    messageId: row.id,
    type: row.type,
    body: new JsonText(row.body),
    sessionId: row.sessionId ?? undefined,
    headers,
  };
}
