/**
 * The naive worker bench:e2e compares Junction with: a bare amqplib consumer that takes the same
 * erp.customer.create commands, calls the sandbox (find the Customer by name, create it when missing) and
 * acks. No idempotency record, no outbox, no event, no rate limit, no breaker, no retry policy: a failed call
 * is nacked back to the queue. Forked by run.ts with an IPC channel; it reports when each command was done
 * (epoch ms, sub-ms precision, the same clock as the bench's) in batches, so its own cost stays small.
 *
 * Environment: NAIVE_AMQP_URL, NAIVE_QUEUE, NAIVE_PREFETCH, ERPNEXT_URL, ERPNEXT_API_KEY, ERPNEXT_API_SECRET.
 */
import { connect, type ConsumeMessage } from 'amqplib';
import { ErpNextClient, toErpNextCustomer } from '@junction/connectors/erpnext';
import type { MessageOf } from '@junction/contracts';

const now = () => performance.timeOrigin + performance.now();

async function main(): Promise<void> {
  const env = process.env;
  const client = new ErpNextClient({ baseUrl: env.ERPNEXT_URL!, apiKey: env.ERPNEXT_API_KEY!, apiSecret: env.ERPNEXT_API_SECRET! });
  const connection = await connect(env.NAIVE_AMQP_URL!);
  const channel = await connection.createChannel();
  await channel.assertQueue(env.NAIVE_QUEUE!, { durable: true });
  await channel.prefetch(Number(env.NAIVE_PREFETCH ?? 32));

  let done: Array<[string, number]> = [];
  let failures = 0;
  const flush = () => {
    if (done.length === 0) return;
    process.send!({ done, failures });
    done = [];
  };
  setInterval(flush, 20).unref();

  const handle = async (msg: ConsumeMessage) => {
    try {
      const command = JSON.parse(msg.content.toString('utf8')) as MessageOf<'erp.customer.create'>;
      const existing = await client.findCustomerByName(command.payload.customerName);
      if (!existing) await client.createCustomer(toErpNextCustomer(command.payload));
      channel.ack(msg);
      done.push([command.id, now()]);
    } catch {
      failures += 1;
      channel.nack(msg, false, true);
    }
  };
  await channel.consume(env.NAIVE_QUEUE!, (msg) => {
    if (msg) void handle(msg);
  });
  process.on('disconnect', () => void connection.close().finally(() => process.exit(0)));
  process.send!({ ready: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
