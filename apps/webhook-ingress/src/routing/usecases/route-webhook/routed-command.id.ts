import { createHash } from 'node:crypto';

/** Junction's namespace for routed command ids. Changing it changes every future id: never do. */
const ROUTED_COMMANDS_NAMESPACE = '6f0c2a4e-8d1b-4b7e-9a53-2f6d8c1e7b90';

/**
 * The id of the index-th command `route` made from the webhooks.received message `receivedId`: a UUID v5, so
 * a redelivery, a redrive or a second replica always derives the same ids, and the broker's duplicate
 * detection (Service Bus) and the workers' idempotency guard see one command, not two.
 */
export function routedCommandId(receivedId: string, route: string, index: number): string {
  return uuidV5(`${receivedId}/${route}/${index}`, ROUTED_COMMANDS_NAMESPACE);
}

/** RFC 4122 §4.3: SHA-1 of namespace bytes + name, with the version (5) and variant bits set. */
export function uuidV5(name: string, namespace: string): string {
  const hash = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
