import { createHash } from 'node:crypto';
import type { EventIdentity } from './webhook-scheme';

/** The limits of `webhooks.received` (eventId ≤ 300, eventType ≤ 200); longer values are hashed, not cut, so two long ids stay distinct. */
const MAX_EVENT_ID = 300;
const MAX_EVENT_TYPE = 200;

function sha256Tag(parts: readonly (string | Buffer)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return `sha256:${hash.digest('hex')}`;
}

/**
 * The dedupe key of a scheme without an event id: a hash of `${timestamp}.${rawBody}` (an absent timestamp
 * is the empty string). A provider retry re-signs with a new timestamp where there is one, so this only
 * catches replays of the exact request; that is the best such providers allow.
 */
export function fallbackEventId(rawBody: Buffer, timestamp: number | undefined): string {
  return sha256Tag([`${timestamp ?? ''}.`, rawBody]);
}

/** A string field of a JSON object body (own properties only: `constructor` and friends are not fields). */
export function bodyString(body: unknown, name: string): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !Object.hasOwn(body, name)) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function bodyObject(body: unknown, name: string): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !Object.hasOwn(body, name)) return undefined;
  return (body as Record<string, unknown>)[name];
}

/** Applies the fallbacks and caps every scheme shares; the one place that makes `identify` total. */
export function identity(
  eventId: string | undefined,
  eventType: string | undefined,
  fallback: { rawBody: Buffer; timestamp?: number; type?: string },
): EventIdentity {
  const id = eventId ?? fallbackEventId(fallback.rawBody, fallback.timestamp);
  const type = eventType ?? fallback.type ?? 'webhook';
  return {
    eventId: id.length > MAX_EVENT_ID ? sha256Tag([id]) : id,
    eventType: type.length > MAX_EVENT_TYPE ? sha256Tag([type]) : type,
  };
}
