import type { ConfirmChannel, Options } from 'amqplib';

export interface RawPublish {
  readonly exchange: string;
  readonly routingKey: string;
  readonly content: Buffer;
  readonly options: Options.Publish;
}

/**
 * Publishes on a confirm channel and resolves once the broker has confirmed every message (persisted, for
 * persistent messages on durable queues); rejects if any is nacked or the channel closes first.
 */
export async function confirmPublish(ch: ConfirmChannel, items: readonly RawPublish[]): Promise<void> {
  const confirmations: Promise<void>[] = [];
  for (const item of items) {
    confirmations.push(
      new Promise<void>((resolve, reject) => {
        ch.publish(item.exchange, item.routingKey, item.content, item.options, (err: unknown) =>
          err ? reject(err instanceof Error ? err : new Error(`broker did not confirm the message: ${String(err)}`)) : resolve(),
        );
      }),
    );
  }
  // Surface the first failure, but do not leave the others' rejections unhandled.
  const results = await Promise.allSettled(confirmations);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
