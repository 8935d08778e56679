import { execFileSync } from 'node:child_process';

export const testRabbitMqUrl = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/**
 * Jest decides what to skip while collecting tests, before any async hook runs: probe the broker
 * synchronously in a child process (connect, close, exit code). When it is not there on a developer's machine,
 * say so loudly; the suite is then counted as skipped, never silently passed. In CI (`CI=true`) a missing broker
 * is a failure: the broker, webhook, crash, distributed and outage proofs must not go green by being skipped.
 */
export function rabbitMqReachable(suite: string, url = testRabbitMqUrl, ci = isCi()): boolean {
  const probe = `require(${JSON.stringify(require.resolve('amqplib'))}).connect(process.argv[1]).then((c) => c.close()).then(() => process.exit(0), () => process.exit(1))`;
  try {
    execFileSync(process.execPath, ['-e', probe, url], { timeout: 5_000, stdio: 'ignore' });
    return true;
  } catch {
    const where = url.replace(/\/\/[^@]*@/, '//***@');
    if (ci) throw new Error(`RabbitMQ is NOT reachable at ${where}: in CI (CI=true) ${suite} must run, not be skipped. Start the broker (rabbitmq-server -detached) or set RABBITMQ_URL.`);
    console.warn(
      `\n!!! RabbitMQ is NOT reachable at ${where}: ${suite} is SKIPPED.\n` +
        '!!! Start it with `rabbitmq-server -detached` (or set RABBITMQ_URL to a running broker). In CI (CI=true) this fails instead.\n',
    );
    return false;
  }
}

/** CI providers set CI=true (GitHub Actions, GitLab, .ci/run); `CI=0`/`false` or unset is a developer's machine. */
function isCi(): boolean {
  const ci = process.env.CI?.toLowerCase();
  return ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false';
}

/** rabbitmqctl can force-close one connection (as a broker restart does) only on the broker's own machine. */
export function rabbitMqCtlAvailable(url = testRabbitMqUrl): boolean {
  if (!/@(127\.0\.0\.1|localhost)(:|\/|$)/.test(url)) return false;
  try {
    execFileSync('rabbitmqctl', ['-q', 'status'], { timeout: 15_000, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Closes the broker connection whose client-provided name is `name`, as a broker restart would. */
export function closeRabbitMqConnection(name: string): void {
  const listing = execFileSync('rabbitmqctl', ['-q', '--no-table-headers', 'list_connections', 'pid', 'client_properties']).toString();
  const line = listing.split('\n').find((l) => l.includes(`"${name}"`));
  if (!line) throw new Error(`no broker connection named ${name}`);
  execFileSync('rabbitmqctl', ['-q', 'close_connection', line.split('\t')[0]!, 'junction test: simulated broker restart']);
}
