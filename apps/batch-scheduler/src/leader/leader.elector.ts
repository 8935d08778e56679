import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { parseDatabaseUrl } from '@junction/persistence';

export interface LeaderElectorOptions {
  databaseUrl: string;
  /** The advisory lock's name (hashed to the lock key): one per set of replicas that must not fire twice. */
  lockName: string;
  /** A follower tries to take the lock this often. */
  retryMs: number;
  /** The leader checks its lock connection this often; a check that fails or hangs past it loses leadership. */
  checkMs: number;
}

export interface LeadershipListener {
  /** Became the leader: start firing. */
  elected(): void;
  /** Not the leader any more (connection lost, shutdown): stop firing at once, synchronously. */
  demoted(reason: string): void;
}

export interface LeadershipView {
  leader: boolean;
  /** Since when this process leads (ISO), or null. */
  since: string | null;
  lock: string;
}

/**
 * One leader across replicas by a Postgres SESSION advisory lock (`pg_try_advisory_lock`) held on a dedicated
 * connection, never a pooled one: the lock lives exactly as long as that session. Postgres releases it when the
 * process dies (kill -9 closes the socket) or the connection drops, so a follower takes over at its next try. The
 * leader checks its connection every `checkMs`; an error, an 'end', or a check that does not answer in time means the
 * lock may be gone, and leadership is dropped at once, before another replica can have taken it for long.
 */
export class LeaderElector {
  private readonly logger = new Logger(LeaderElector.name);
  private client?: Client;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private leading = false;
  private leadingSince: Date | null = null;
  /** Set when leadership was lost: the next try waits longer, so a healthy follower takes over first. */
  private lostAt = 0;

  constructor(
    private readonly options: LeaderElectorOptions,
    private readonly listener: LeadershipListener,
  ) {}

  start(): void {
    this.schedule(0);
  }

  view(): LeadershipView {
    return { leader: this.leading, since: this.leadingSince?.toISOString() ?? null, lock: this.options.lockName };
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** Gives the lock up (unlock, close the session) so a follower takes over at its next try. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    if (this.leading) this.demote('shutdown');
    if (!client) return;
    try {
      await client.query('SELECT pg_advisory_unlock_all()');
    } catch {
      // Closing the session releases the lock anyway.
    }
    await client.end().catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.step(), delayMs);
  }

  private async step(): Promise<void> {
    // A replica whose lock connection just failed is the suspect one (its network, its database session): it lets the
    // followers try first for three retry periods, instead of winning the lock straight back and flapping.
    const quietUntil = this.lostAt + 3 * this.options.retryMs;
    if (!this.leading && Date.now() < quietUntil) {
      this.schedule(quietUntil - Date.now());
      return;
    }
    try {
      if (this.leading) await this.check();
      else await this.tryAcquire();
    } catch (error: unknown) {
      this.lose(`lock connection failed: ${(error as Error).message}`);
    }
    this.schedule(this.leading ? this.options.checkMs : this.options.retryMs);
  }

  private async tryAcquire(): Promise<void> {
    const client = await this.connect();
    const { rows } = await withTimeout(client.query<{ acquired: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS acquired', [this.options.lockName]), this.options.checkMs);
    if (rows[0]?.acquired !== true || this.stopped) return;
    this.leading = true;
    this.leadingSince = new Date();
    this.logger.log({ lock: this.options.lockName }, 'became the scheduler leader');
    this.listener.elected();
  }

  private async check(): Promise<void> {
    const client = this.client;
    if (!client) throw new Error('no lock connection');
    await withTimeout(client.query('SELECT 1'), this.options.checkMs);
  }

  private async connect(): Promise<Client> {
    if (this.client) return this.client;
    const config = parseDatabaseUrl(this.options.databaseUrl);
    const client = new Client({ ...config, connectionTimeoutMillis: this.options.checkMs, application_name: 'junction-scheduler-leader' });
    // A dropped session is lost leadership at once, not at the next check.
    client.on('error', (error) => this.lose(`lock connection error: ${error.message}`));
    client.on('end', () => this.lose('lock connection ended'));
    this.client = client;
    try {
      await client.connect();
    } catch (error: unknown) {
      this.client = undefined;
      throw error;
    }
    return client;
  }

  private lose(reason: string): void {
    const client = this.client;
    this.client = undefined;
    client?.removeAllListeners('end');
    client?.on('error', () => undefined);
    void client?.end().catch(() => undefined);
    if (this.leading) this.demote(reason);
  }

  private demote(reason: string): void {
    this.leading = false;
    this.lostAt = Date.now();
    this.leadingSince = null;
    this.logger.warn({ lock: this.options.lockName, reason }, 'scheduler leadership lost');
    this.listener.demoted(reason);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}
