import { Injectable } from '@nestjs/common';
import type { Prisma, RedditAnalysis, RedditMonitorCursor } from '../generated/prisma/client';
import { PrismaService, type Tx } from '../prisma/prisma.service';

export type RedditAnalysisKind = 'subreddit-posts' | 'post-comments' | 'search' | 'monitor' | 'sentiment' | 'trends' | 'community-insights';

export interface NewRedditAnalysis {
  /** Chosen by the caller, so the event can name it before the row is written. */
  id: string;
  tenantId: string;
  kind: RedditAnalysisKind;
  subreddit?: string | null;
  query?: string | null;
  commandId: string;
  itemCount: number;
  /** Plain JSON data (stored as jsonb). */
  result: Record<string, unknown>;
}

export interface RedditCursorKey {
  tenantId: string;
  /** The connection id, or `sandbox` / `env`. */
  connection: string;
  subreddit: string;
}

export interface RedditCursorAdvance {
  lastFullname: string;
  lastCreatedUtc: number;
  commandId: string;
}

/** Reddit ids are base 36 and grow with time: longer is newer, else the larger string. */
export function isNewerRedditId(candidate: string, current: string): boolean {
  const a = candidate.replace(/^t\d_/, '');
  const b = current.replace(/^t\d_/, '');
  return a.length !== b.length ? a.length > b.length : a > b;
}

const keyOf = (key: RedditCursorKey) => ({ tenantId: key.tenantId, connection: key.connection, subreddit: key.subreddit.toLowerCase() });

/** reddit-analyzer's stored results and monitor cursors. */
@Injectable()
export class RedditAnalysisRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** In the command's commit transaction (CommandStep `persist`). */
  async save(tx: Tx, row: NewRedditAnalysis): Promise<void> {
    await tx.redditAnalysis.create({
      data: { ...row, subreddit: row.subreddit?.toLowerCase() ?? null, query: row.query ?? null, result: row.result as Prisma.InputJsonValue },
    });
  }

  find(tenantId: string, id: string): Promise<RedditAnalysis | null> {
    return this.prisma.redditAnalysis.findFirst({ where: { id, tenantId } });
  }

  findByCommand(commandId: string): Promise<RedditAnalysis | null> {
    return this.prisma.redditAnalysis.findUnique({ where: { commandId } });
  }

  /** Newest first: a tenant's results of one kind, optionally for one subreddit. */
  latest(tenantId: string, kind: RedditAnalysisKind, options: { subreddit?: string; take?: number } = {}): Promise<RedditAnalysis[]> {
    return this.prisma.redditAnalysis.findMany({
      where: { tenantId, kind, ...(options.subreddit ? { subreddit: options.subreddit.toLowerCase() } : {}) },
      orderBy: { createdAt: 'desc' },
      take: Math.min(options.take ?? 20, 100),
    });
  }

  /** Read before calling Reddit (no transaction): where the last committed run stopped. */
  cursor(key: RedditCursorKey): Promise<RedditMonitorCursor | null> {
    return this.prisma.redditMonitorCursor.findUnique({ where: { tenantId_connection_subreddit: keyOf(key) } });
  }

  /**
   * In the run's commit transaction: counts the run and moves the cursor to `next` unless it already points at a
   * newer post (two runs overlapping: the later commit must not move it back). The row is locked while deciding.
   * Returns whether it moved.
   */
  async advanceCursor(tx: Tx, key: RedditCursorKey, next: RedditCursorAdvance | null): Promise<boolean> {
    const k = keyOf(key);
    await tx.$executeRaw`
      INSERT INTO reddit_monitor_cursor ("tenantId", "connection", "subreddit", "runs", "updatedAt")
      VALUES (${k.tenantId}, ${k.connection}, ${k.subreddit}, 0, now())
      ON CONFLICT DO NOTHING`;
    const [current] = await tx.$queryRaw<{ lastFullname: string | null }[]>`
      SELECT "lastFullname" FROM reddit_monitor_cursor
      WHERE "tenantId" = ${k.tenantId} AND "connection" = ${k.connection} AND "subreddit" = ${k.subreddit}
      FOR UPDATE`;
    const forward = next !== null && (!current?.lastFullname || isNewerRedditId(next.lastFullname, current.lastFullname));
    await tx.redditMonitorCursor.update({
      where: { tenantId_connection_subreddit: k },
      data: {
        runs: { increment: 1 },
        ...(forward ? { lastFullname: next.lastFullname, lastCreatedUtc: next.lastCreatedUtc, lastCommandId: next.commandId } : {}),
      },
    });
    return forward;
  }
}
