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
  /** Failed relay attempts counted against this row before this one (those that were its own, not a broker outage's). */
  attempts: number;
}

export interface RelayOptions {
  /** Upper bound for claim + publish + mark; the claim is rolled back and the rows released when exceeded. */
  timeoutMs?: number;
}

/** A row to move aside, and why: `reason` is a stable code, `description` a message without payload. */
export interface ParkRow {
  id: string;
  reason: string;
  description: string;
}

/** A parked row as listed: everything but the body (payloads stay out of listings and logs). */
export interface ParkedRowView {
  id: string;
  topic: string;
  type: string;
  sessionId: string | null;
  reason: string;
  description: string;
  attempts: number;
  /** When it entered the outbox. */
  createdAt: Date;
  parkedAt: Date;
}
