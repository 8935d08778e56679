import type { Prisma } from '../generated/prisma/client';

export type OutboxHeaders = Record<string, string | number | boolean>;

export interface NewOutboxRow {
  /** The envelope id; the broker messageId, so a re-relayed row is deduplicated downstream. */
  id: string;
  topic: string;
  type: string;
  sessionId?: string | null;
  body: Prisma.InputJsonValue;
  headers?: OutboxHeaders;
  /** Not relayed before this instant (scheduled messages, backoff). Defaults to now. */
  availableAt?: Date;
}

export interface OutboxRow {
  id: string;
  topic: string;
  type: string;
  sessionId: string | null;
  /** The body as stored, in JSON text: the relay hands it to the broker as is, never parsing it. */
  body: string;
  headers: OutboxHeaders;
  /** Failed relay attempts before this one. */
  attempts: number;
}

export interface RelayOptions {
  /** Upper bound for claim + publish + mark; the claim is rolled back and the rows released when exceeded. */
  timeoutMs?: number;
}
