import { randomUUID } from 'node:crypto';

/**
 * A new message id: a UUID version 7 (RFC 9562), whose first 48 bits are the Unix time in milliseconds. Ids made
 * later sort later, so the primary keys they land in (outbox, inbox, processed messages) grow at their right
 * edge instead of touching a random index page per insert, and an id tells when it was made.
 *
 * Built on `crypto.randomUUID()` (Node draws its randomness from a pooled buffer): its version-4 layout keeps
 * 74 random bits and the RFC variant, and only the time and the version digit are set here. Ids made in the
 * same millisecond are not ordered among themselves (the RFC allows this).
 */
export function messageId(now = Date.now()): string {
  const random = randomUUID(); // xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx
  const time = now.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}
