import { execFileSync } from 'node:child_process';

export const testRabbitMqUrl = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/**
 * Jest decides what to skip while collecting tests, before any async hook runs: probe the broker
 * synchronously in a child process (connect, close, exit code). When it is not there, say so loudly; the
 * suite is then counted as skipped, never silently passed.
 */
export function rabbitMqReachable(suite: string, url = testRabbitMqUrl): boolean {
  const probe = `require(${JSON.stringify(require.resolve('amqplib'))}).connect(process.argv[1]).then((c) => c.close()).then(() => process.exit(0), () => process.exit(1))`;
  try {
    execFileSync(process.execPath, ['-e', probe, url], { timeout: 5_000, stdio: 'ignore' });
    return true;
  } catch {
    console.warn(
      `\n!!! RabbitMQ is NOT reachable at ${url.replace(/\/\/[^@]*@/, '//***@')}: ${suite} is SKIPPED.\n` +
        '!!! Start it with `rabbitmq-server -detached` (or set RABBITMQ_URL to a running broker).\n',
    );
    return false;
  }
}
