/**
 * `@modelcontextprotocol/server-everything`, the MCP reference server, as a real peer: its stdio command line, or
 * a Streamable HTTP server in a child process on a free port (it prints "… listening on port N" on stderr when ready).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from '@junction/persistence';

export const SERVER_EVERYTHING_ENTRY = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');

/** The stdio server's command line (`node <entry> stdio`). */
export function serverEverythingStdio(): { command: string; args: string[] } {
  return { command: process.execPath, args: [SERVER_EVERYTHING_ENTRY, 'stdio'] };
}

export interface EverythingHttpServer {
  readonly url: URL;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

export async function startServerEverythingHttp(timeoutMs = 20_000): Promise<EverythingHttpServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [SERVER_EVERYTHING_ENTRY, 'streamableHttp'], { env: { PATH: process.env.PATH ?? '', PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server-everything did not listen within ${timeoutMs} ms: ${output.slice(-500)}`)), timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/listening on port/i.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server-everything exited (${code}) before listening: ${output.slice(-500)}`));
    });
  });
  child.stderr?.resume();
  return {
    url: new URL(`http://127.0.0.1:${port}/mcp`),
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
