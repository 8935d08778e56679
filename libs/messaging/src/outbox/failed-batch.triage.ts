import type { Logger } from '@nestjs/common';
import type { OutboxRepository, OutboxRow, ParkRow } from '@junction/persistence';
import { messageSize, PermanentPublishError, type OutgoingMessage } from '../bus/message-bus.port';

/** Reason code of a row parked after `maxAttempts` failures counted against it. */
export const MAX_ATTEMPTS_EXCEEDED = 'MAX_ATTEMPTS_EXCEEDED';

/**
 * Rows retried one by one that may fail before any succeeds, before the triage gives up and calls it the broker's
 * failure. Bounds what an outage costs per backoff (each failed publish may take a broker timeout: at most one batch
 * and this many single rows per failed pass), at a price: this many rows failing on their own at the head of a batch
 * look like an outage (backoff, nothing counted) — unless something was published earlier in the same pass (e.g.
 * rows this process held), which proves the broker up: then the probed rows are counted and wait, and the next pass
 * gets past them.
 */
export const PROBES_BEFORE_BROKER_VERDICT = 3;

export interface TriageOptions {
  /** Failures counted against one row before it is parked. */
  readonly maxAttempts: number;
  /** How long a row waits after its `attempts`-th counted failure, so that the rest of the outbox flows meanwhile. */
  retryDelayMs(attempts: number): number;
  readonly maxMessageBytes: number;
}

/**
 * Sorts out a batch whose publish failed, so that one bad row cannot stop the relay (issue 11):
 *
 * - Permanent (`PermanentPublishError` naming a row of the batch): the broker will never take that row. It is parked
 *   at once — with every other row of the batch over the size limit, measured here only on this failure path — and
 *   the caller claims again: the rest of the batch goes out in the same pass, with no backoff and no failure counted.
 * - Anything else: the error does not say whose it is. When several rows failed together they are retried one by one
 *   (each its own delete-publish-commit, as `relayCommitted` does). A success proves the broker up, so the rows that
 *   failed on their own are counted against (`attempts` + 1, due again after a delay) and parked at `maxAttempts`.
 *   When nothing succeeds it is the broker: the error is rethrown (the relay backs off, readiness counts it) and no
 *   row is charged, so an outage parks nothing however long it lasts.
 *
 * Only the failure path pays for any of this: a publish that succeeds runs exactly the statements it ran before.
 */
export class FailedBatchTriage {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly publish: (rows: OutboxRow[]) => Promise<void>,
    private readonly toOutgoing: (row: OutboxRow) => OutgoingMessage,
    private readonly options: TriageOptions,
    private readonly logger: Logger,
  ) {}

  /**
   * `rows` failed together with `error` and are back in the outbox. `brokerUp`: something was published earlier in
   * this pass. Returns how many rows it published; rethrows `error` when the failure is the broker's.
   */
  async settle(rows: readonly OutboxRow[], error: unknown, brokerUp: boolean): Promise<number> {
    const permanent = this.permanentIn(rows, error);
    if (permanent.length > 0) {
      await this.park(permanent, rows);
      return 0;
    }
    if (rows.length === 1) {
      // Nothing to compare it with in this batch: only an earlier success in the pass says it is the row.
      if (!brokerUp) throw error;
      await this.count([{ row: rows[0]!, error }]);
      return 0;
    }
    let published = 0;
    let stoppedEarly = false;
    const failed: Array<{ row: OutboxRow; error: unknown }> = [];
    for (const row of rows) {
      if (published === 0 && failed.length >= PROBES_BEFORE_BROKER_VERDICT) {
        stoppedEarly = true;
        break;
      }
      try {
        published += await this.outbox.relayCommitted([row], this.publish);
      } catch (rowError: unknown) {
        const parked = this.permanentIn([row], rowError);
        if (parked.length > 0) await this.park(parked, [row]);
        else failed.push({ row, error: rowError });
      }
    }
    if (published > 0 || brokerUp) await this.count(failed);
    // Stopped early: the rest of the batch was not tried, so back off rather than claim it again at once.
    if (stoppedEarly || (published === 0 && !brokerUp && failed.length > 0)) throw error;
    return published;
  }

  /** The rows of `rows` the broker will never take, by `error`'s verdict; empty when `error` names none of them. */
  private permanentIn(rows: readonly OutboxRow[], error: unknown): ParkRow[] {
    if (!(error instanceof PermanentPublishError) || !rows.some((row) => row.id === error.messageId)) return [];
    const parked: ParkRow[] = [{ id: error.messageId, reason: error.code, description: error.message }];
    if (error.code !== 'MESSAGE_TOO_LARGE') return parked;
    // The transport stops at the first row over the limit: find the others now rather than one failed publish each.
    const max = this.options.maxMessageBytes;
    for (const row of rows) {
      if (row.id === error.messageId) continue;
      const size = messageSize(this.toOutgoing(row));
      if (size > max) parked.push({ id: row.id, reason: 'MESSAGE_TOO_LARGE', description: `message ${row.id} (${row.type}) is ${size} bytes, over the bus's limit of ${max} bytes` });
    }
    return parked;
  }

  private async count(failed: ReadonlyArray<{ row: OutboxRow; error: unknown }>): Promise<void> {
    const byId = new Map(failed.map((f) => [f.row.id, f]));
    const overLimit: ParkRow[] = [];
    // One statement per distinct error: rows that failed alike (the usual case) are counted together.
    for (const [error, rows] of groupBy(failed, (f) => f.error)) {
      const counted = await this.outbox.countFailures(
        rows.map((f) => f.row.id),
        error,
        this.options.retryDelayMs(Math.max(...rows.map((f) => f.row.attempts + 1))),
      );
      for (const { id, attempts } of counted) {
        const row = byId.get(id)!.row;
        if (attempts >= this.options.maxAttempts) overLimit.push({ id, reason: MAX_ATTEMPTS_EXCEEDED, description: `${attempts} failed attempts while other rows were published; last: ${describe(error)}` });
        else this.logger.warn({ id, correlationId: row.headers['x-correlation-id'], attempts, reason: describe(error) }, 'outbox row failed while others were published: retried later');
      }
    }
    await this.park(overLimit, failed.map((f) => f.row));
  }

  private async park(parked: readonly ParkRow[], rows: readonly OutboxRow[]): Promise<void> {
    if (parked.length === 0) return;
    const moved = new Set(await this.outbox.park(parked));
    for (const p of parked) {
      if (!moved.has(p.id)) continue;
      const row = rows.find((r) => r.id === p.id);
      // No payload here: the reason and the row's coordinates only.
      this.logger.warn({ id: p.id, correlationId: row?.headers['x-correlation-id'], topic: row?.topic, type: row?.type, reason: p.reason, description: p.description }, 'outbox row parked: redrive it with `junction outbox redrive` once the cause is fixed');
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
