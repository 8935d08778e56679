import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { OutboxRepository, type OutboxRow } from '@junction/persistence';
import { JsonText, type MessageBus, type OutgoingMessage } from '../bus/message-bus.port';
import { MESSAGE_BUS, MESSAGING_OPTIONS } from '../messaging.tokens';
import type { MessagingModuleOptions } from '../messaging.module';

/**
 * Moves committed outbox rows to the broker. Polls (every app relays its own rows; several replicas may run
 * side by side: rows are claimed with SKIP LOCKED) and can be woken right after a commit for low latency.
 * Publish failures (broker down) back off exponentially up to 30 s; rows stay in Postgres meanwhile.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  private woken = false;
  private failures = 0;
  private lastError?: string;

  constructor(
    private readonly outbox: OutboxRepository,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.relay === false) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Before the database pool closes (PrismaService closes in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** For readiness: a relay that keeps failing means events are piling up. */
  health(): { up: boolean; failures: number; lastError?: string } {
    return { up: this.failures < 5, failures: this.failures, lastError: this.lastError };
  }

  /** Relays until nothing is due. Returns how many rows were published. Used by the loop and by tests. */
  async drain(batchSize = this.options.relayBatchSize ?? 100): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.outbox.relayBatch(batchSize, (rows) => this.bus.publish(rows.map(toOutgoingRow)));
      total += n;
      if (n < batchSize) return total;
    }
  }

  private async run(): Promise<void> {
    const pollMs = this.options.relayPollMs ?? 200;
    const lingerMs = this.options.relayLingerMs ?? 25;
    let lastPublished = -Infinity;
    while (this.running) {
      // Rows keep coming (the last claim found some): let the commits of the linger join the next claim.
      const linger = lastPublished + lingerMs - performance.now();
      if (linger > 0) await new Promise((resolve) => setTimeout(resolve, linger));
      this.woken = false;
      let pause = pollMs;
      try {
        if ((await this.drain()) > 0) lastPublished = performance.now();
        if (this.failures > 0) this.logger.log(`outbox relay recovered after ${this.failures} failed attempts`);
        this.failures = 0;
        this.lastError = undefined;
      } catch (error) {
        this.failures++;
        this.lastError = (error as Error).message;
        pause = Math.min(30_000, pollMs * 2 ** Math.min(this.failures, 8));
        this.logger.warn(`outbox relay failed (attempt ${this.failures}), retrying in ${pause} ms: ${this.lastError}`);
      }
      if (this.running && !this.woken) await this.sleep(pause);
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

function toOutgoingRow(row: OutboxRow): OutgoingMessage {
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
