import { startTelemetry } from '@junction/telemetry';
import { ConfigError, parseEnv } from '../config/base-env';
import type { BaseEnv } from '../config/base-env';
import type { AppDefinition } from './app-definition';
import { startApp, type RunningApp } from './start-app';

/**
 * Entry point of one app as its own process: parse env (a bad value stops start-up with one readable
 * line), start telemetry, start the app, and stop gracefully on SIGTERM/SIGINT within SHUTDOWN_TIMEOUT_MS.
 */
export async function runMain<E extends BaseEnv>(definition: AppDefinition<E>): Promise<void> {
  let env: E;
  try {
    env = parseEnv(definition.envSchema, process.env, definition.name);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const telemetry = startTelemetry({ serviceName: definition.name, otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
  let running: RunningApp;
  try {
    running = await startApp(definition, env);
  } catch (error) {
    process.stderr.write(`${definition.name}: failed to start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  process.stdout.write(`${JSON.stringify({ level: 'info', service: definition.name, msg: `ready on ${running.url}` })}\n`);
  onShutdownSignal(env.SHUTDOWN_TIMEOUT_MS, async () => {
    await running.stop();
    await telemetry.shutdown();
  });
}

/** Runs `stop` once on SIGTERM/SIGINT; exits 0 when it finishes, 1 if it overruns the timeout. */
export function onShutdownSignal(timeoutMs: number, stop: () => Promise<void>): void {
  let called = false;
  const handler = (signal: NodeJS.Signals) => {
    if (called) return;
    called = true;
    process.stdout.write(`${JSON.stringify({ level: 'info', msg: `${signal}: shutting down gracefully` })}\n`);
    const timer = setTimeout(() => {
      process.stderr.write(`graceful shutdown exceeded ${timeoutMs} ms; exiting\n`);
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', handler);
  process.once('SIGINT', handler);
}
