/**
 * ERPNext MCP server, run by hand or spawned by tests:
 *   node dist/libs/connectors/erpnext/src/mcp/erpnext-mcp.main.js stdio|http
 * With ERPNEXT_URL, ERPNEXT_API_KEY and ERPNEXT_API_SECRET it wraps that site; without them it starts the REST
 * sandbox in-process and wraps that. `http` listens on PORT (0 = any free port) at /mcp.
 *
 * stdout belongs to JSON-RPC in stdio mode: every log line goes to stderr.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { ErpNextClient } from '../erpnext.client';
import { ErpNextSandbox } from '../sandbox/erpnext.sandbox';
import { serveErpNextMcpHttp } from './erpnext-mcp.http';
import { createErpNextMcpServer } from './erpnext-mcp.server';

const SANDBOX_KEY = 'sandbox-key';
const SANDBOX_SECRET = 'sandbox-secret';

const Env = z
  .object({
    ERPNEXT_URL: z.url().optional(),
    ERPNEXT_API_KEY: z.string().min(1).optional(),
    ERPNEXT_API_SECRET: z.string().min(1).optional(),
    ERPNEXT_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
    PORT: z.coerce.number().int().min(0).max(65535).default(0),
    HOST: z.string().min(1).default('127.0.0.1'),
  })
  .refine((e) => [e.ERPNEXT_URL, e.ERPNEXT_API_KEY, e.ERPNEXT_API_SECRET].every((v) => v === undefined) || (e.ERPNEXT_URL && e.ERPNEXT_API_KEY && e.ERPNEXT_API_SECRET), {
    message: 'set all of ERPNEXT_URL, ERPNEXT_API_KEY and ERPNEXT_API_SECRET, or none (sandbox)',
  });

const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const mode = process.argv[2];
  if (mode !== 'stdio' && mode !== 'http') {
    log('usage: erpnext-mcp.main.js stdio|http   (env: ERPNEXT_URL, ERPNEXT_API_KEY, ERPNEXT_API_SECRET; PORT, HOST for http)');
    process.exit(2);
  }
  // Empty variables count as unset (a blank line in an env file must not switch a sandbox run to a real site).
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    log(`erpnext-mcp: invalid environment: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'env'}: ${i.message}`).join('; ')}`);
    process.exit(2);
  }
  const env = parsed.data;

  let sandbox: ErpNextSandbox | undefined;
  let client: ErpNextClient;
  if (env.ERPNEXT_URL && env.ERPNEXT_API_KEY && env.ERPNEXT_API_SECRET) {
    client = new ErpNextClient({ baseUrl: env.ERPNEXT_URL, apiKey: env.ERPNEXT_API_KEY, apiSecret: env.ERPNEXT_API_SECRET, timeoutMs: env.ERPNEXT_TIMEOUT_MS });
    log(`erpnext-mcp: wrapping ${new URL(env.ERPNEXT_URL).origin}`);
  } else {
    sandbox = new ErpNextSandbox({ apiKey: SANDBOX_KEY, apiSecret: SANDBOX_SECRET });
    const { url } = await sandbox.start(0);
    client = new ErpNextClient({ baseUrl: url, apiKey: SANDBOX_KEY, apiSecret: SANDBOX_SECRET, timeoutMs: env.ERPNEXT_TIMEOUT_MS });
    log(`erpnext-mcp: wrapping the ERPNext REST sandbox at ${url}`);
  }

  let closeServer: () => Promise<void> = async () => undefined;
  let stopping = false;
  const shutdown = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await Promise.allSettled([closeServer(), sandbox?.stop()]);
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());

  if (mode === 'stdio') {
    const server = createErpNextMcpServer(client);
    await server.connect(new StdioServerTransport());
    closeServer = () => server.close();
    // The client closing our stdin is how a stdio session ends.
    process.stdin.once('end', () => void shutdown());
    process.stdin.once('close', () => void shutdown());
  } else {
    const http = await serveErpNextMcpHttp(() => createErpNextMcpServer(client), {
      port: env.PORT,
      host: env.HOST,
      onError: (error) => log(`erpnext-mcp: request failed: ${error instanceof Error ? error.message : String(error)}`),
    });
    closeServer = () => http.close();
    log(`ERPNext MCP sandbox listening on port ${http.port} (${http.url})`);
  }
}

main().catch((error: unknown) => {
  log(`erpnext-mcp: failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
