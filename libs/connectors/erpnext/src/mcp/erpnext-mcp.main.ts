/**
 * ERPNext MCP server, run by hand or spawned by tests:
 *   node dist/libs/connectors/erpnext/src/mcp/erpnext-mcp.main.js stdio|http
 * With ERPNEXT_URL, ERPNEXT_API_KEY and ERPNEXT_API_SECRET it wraps that site; without them it starts the REST
 * sandbox in-process and wraps that. `http` listens on PORT (0 = any free port) at /mcp, with no auth of its own.
 *
 * The command line, shutdown and HTTP hosting are libs/mcp's (runProviderMcpMain), shared with LinkedIn's and Reddit's.
 */
import { z } from 'zod';
import { PROVIDER_MCP_HTTP_ENV, runProviderMcpMain } from '@junction/mcp';
import { ErpNextClient } from '../erpnext.client';
import { ErpNextSandbox } from '../sandbox/erpnext.sandbox';
import { createErpNextMcpServer } from './erpnext-mcp.server';

const SANDBOX_KEY = 'sandbox-key';
const SANDBOX_SECRET = 'sandbox-secret';

const Env = z
  .object({
    ERPNEXT_URL: z.url().optional(),
    ERPNEXT_API_KEY: z.string().min(1).optional(),
    ERPNEXT_API_SECRET: z.string().min(1).optional(),
    ERPNEXT_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
    ...PROVIDER_MCP_HTTP_ENV,
  })
  .refine((e) => [e.ERPNEXT_URL, e.ERPNEXT_API_KEY, e.ERPNEXT_API_SECRET].every((v) => v === undefined) || (e.ERPNEXT_URL && e.ERPNEXT_API_KEY && e.ERPNEXT_API_SECRET), {
    message: 'set all of ERPNEXT_URL, ERPNEXT_API_KEY and ERPNEXT_API_SECRET, or none (sandbox)',
  });

runProviderMcpMain({
  name: 'erpnext-mcp',
  usageEnv: 'ERPNEXT_URL, ERPNEXT_API_KEY, ERPNEXT_API_SECRET; PORT, HOST for http',
  env: Env,
  async start(env, { log }) {
    if (env.ERPNEXT_URL && env.ERPNEXT_API_KEY && env.ERPNEXT_API_SECRET) {
      const client = new ErpNextClient({ baseUrl: env.ERPNEXT_URL, apiKey: env.ERPNEXT_API_KEY, apiSecret: env.ERPNEXT_API_SECRET, timeoutMs: env.ERPNEXT_TIMEOUT_MS });
      log(`erpnext-mcp: wrapping ${new URL(env.ERPNEXT_URL).origin}`);
      return { newServer: () => createErpNextMcpServer(client) };
    }
    const sandbox = new ErpNextSandbox({ apiKey: SANDBOX_KEY, apiSecret: SANDBOX_SECRET });
    const { url } = await sandbox.start(0);
    const client = new ErpNextClient({ baseUrl: url, apiKey: SANDBOX_KEY, apiSecret: SANDBOX_SECRET, timeoutMs: env.ERPNEXT_TIMEOUT_MS });
    log(`erpnext-mcp: wrapping the ERPNext REST sandbox at ${url}`);
    return { newServer: () => createErpNextMcpServer(client), stop: () => sandbox.stop() };
  },
  // "sandbox" even when wrapping a real site: the entry's spec and the erp-worker MCP e2e wait for this line as it
  // reads. 4 MiB is what this server has always accepted (LinkedIn's and Reddit's take the 1 MiB default).
  http: () => ({ title: 'ERPNext MCP sandbox', maxBodyBytes: 4 * 1024 * 1024 }),
});
