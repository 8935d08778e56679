import type { SandboxServer } from './sandbox-server';

/**
 * Entry point of a sandbox run by hand (`PORT=… [HOST=0.0.0.0] node dist/libs/connectors/<p>/src/sandbox/main.js`):
 * listens, prints how to talk to it, stops on SIGINT/SIGTERM.
 */
export function runSandbox<S extends SandboxServer>(sandbox: S, defaultPort: number, describe: (url: string, sandbox: S) => string[]): void {
  const port = Number.parseInt(process.env.PORT ?? String(defaultPort), 10);
  const host = process.env.HOST ?? '127.0.0.1';
  sandbox.start(port, host).then(
    ({ url }) => {
      for (const line of describe(url, sandbox)) console.log(line);
      const shutdown = () => void sandbox.stop().then(() => process.exit(0));
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
