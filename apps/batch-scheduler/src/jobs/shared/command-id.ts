import { createHash } from 'node:crypto';

/**
 * The message id of the command a batch run publishes for one of its items: a UUID (version 8, RFC 9562's
 * vendor-specific layout) hashed from the run and the item, so a run resumed after a crash builds the very same id for
 * a row it had already published — the batch ledger (BatchCommandsRepository) then refuses it, and a consumer that
 * sees it again deduplicates on it. Two runs over the same file make different ids: the workers' look-up before
 * create makes those idempotent at the provider.
 */
export function batchCommandId(runId: string, item: string | number): string {
  const hex = createHash('sha256').update(`junction-batch\u0000${runId}\u0000${String(item)}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
