import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { parseDatabaseUrl } from '@junction/persistence';
import { COMMAND_RESULT_CHANNEL, CommandResultRepository, type CommandResultRow } from './command-result.repository';

export const RESULTS_DATABASE_URL = Symbol('RESULTS_DATABASE_URL');

/** While LISTEN is down, pending waits are looked up this often. */
export const POLL_INTERVAL_MS = 500;
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;

interface Waiter {
  readonly tenantId: string;
  readonly resolve: (row: CommandResultRow | null) => void;
}

/**
 * Waits for a command's answer, whichever replica consumed it: one LISTEN connection per replica on
 * `junction_command_result` (notified in the transaction that records the answer), and while that connection is down
 * a look-up of every pending wait each 500 ms, so a dropped LISTEN costs latency, never an answer. The connection is
 * a pg Client of its own, outside Prisma's pool: LISTEN holds its session for the life of the process.
 */
@Injectable()
export class CommandResultWaiter implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CommandResultWaiter.name);
  private readonly waiters = new Map<string, Set<Waiter>>();
  private client: Client | undefined;
  private listening = false;
  private stopped = false;
  private reconnectDelay = RECONNECT_MIN_MS;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly results: CommandResultRepository,
    @Inject(RESULTS_DATABASE_URL) private readonly databaseUrl: string,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.pollTimer);
    for (const [, set] of this.waiters) for (const w of set) w.resolve(null);
    this.waiters.clear();
    await this.client?.end().catch(() => undefined);
  }

  /** Whether notifications arrive (false: polling every 500 ms until LISTEN is back). */
  isListening(): boolean {
    return this.listening;
  }

  /**
   * The command's answer for `tenantId`, or null when none arrives within `timeoutMs` (or `signal` aborts). The wait
   * is registered before the first look-up, so an answer committed in between is never missed.
   */
  async wait(id: string, tenantId: string, timeoutMs: number, signal?: AbortSignal): Promise<CommandResultRow | null> {
    // Postgres prints uuids in lower case (notifications and rows alike).
    const commandId = id.toLowerCase();
    let settle!: (row: CommandResultRow | null) => void;
    const done = new Promise<CommandResultRow | null>((resolve) => (settle = resolve));
    let finished = false;
    const waiter: Waiter = {
      tenantId,
      resolve: (row) => {
        if (finished) return;
        finished = true;
        settle(row);
      },
    };
    const set = this.waiters.get(commandId) ?? new Set<Waiter>();
    set.add(waiter);
    this.waiters.set(commandId, set);
    const timer = setTimeout(() => waiter.resolve(null), timeoutMs);
    const onAbort = () => waiter.resolve(null);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const existing = await this.results.find(commandId);
      if (existing?.tenantId === tenantId) waiter.resolve(existing);
      return await done;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      set.delete(waiter);
      if (set.size === 0 && this.waiters.get(commandId) === set) this.waiters.delete(commandId);
    }
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ ...parseDatabaseUrl(this.databaseUrl), connectionTimeoutMillis: 5_000 });
    client.on('notification', (n) => {
      if (n.channel === COMMAND_RESULT_CHANNEL && n.payload) void this.deliver([n.payload]);
    });
    client.on('error', (error) => this.dropped(client, error));
    client.on('end', () => this.dropped(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${COMMAND_RESULT_CHANNEL}`);
    } catch (error: unknown) {
      this.dropped(client, error as Error);
      return;
    }
    this.client = client;
    this.listening = true;
    this.reconnectDelay = RECONNECT_MIN_MS;
    this.stopPolling();
    // Answers recorded while nobody listened were announced to no one: look the pending ones up once.
    await this.deliver([...this.waiters.keys()]);
  }

  private dropped(client: Client, error: Error): void {
    if (this.client !== undefined && this.client !== client) return;
    const wasListening = this.listening;
    this.client = undefined;
    this.listening = false;
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    if (this.stopped) return;
    if (wasListening) this.logger.warn({ message: 'LISTEN connection lost; polling command results every 500 ms until it is back', error: error.message });
    this.startPolling();
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.listen(), this.reconnectDelay);
    this.reconnectTimer.unref();
    this.reconnectDelay = Math.min(RECONNECT_MAX_MS, this.reconnectDelay * 2);
  }

  private startPolling(): void {
    if (this.pollTimer) return;
    this.pollTimer = setInterval(() => void this.deliver([...this.waiters.keys()]), POLL_INTERVAL_MS);
    this.pollTimer.unref();
  }

  private stopPolling(): void {
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  private async deliver(commandIds: readonly string[]): Promise<void> {
    const wanted = commandIds.filter((id) => this.waiters.has(id));
    if (wanted.length === 0) return;
    try {
      for (const row of await this.results.findMany(wanted)) {
        for (const waiter of this.waiters.get(row.commandId) ?? []) if (waiter.tenantId === row.tenantId) waiter.resolve(row);
      }
    } catch (error: unknown) {
      // The next notification, poll or the wait's own timeout comes; a failed look-up loses nothing.
      this.logger.warn({ message: 'could not look up command results', error: (error as Error).message });
    }
  }
}
