/**
 * LinkedIn MCP server, run by hand or spawned by linkedin-worker for a `transport: mcp` stdio connection:
 *   node dist/libs/connectors/linkedin/src/mcp/linkedin-mcp.main.js stdio|http
 *
 * The server holds LinkedIn's credentials: LINKEDIN_ACCESS_TOKEN (a member token with r_organization_admin and
 * w_organization_social) for LINKEDIN_API_URL (default LinkedIn's), LINKEDIN_VERSION (default last month's). A stdio
 * connection hands it the token as `config.mcp.secretEnv: {"LINKEDIN_ACCESS_TOKEN": "token"}` (a bearer
 * connection); refreshing it is the operator's job, not this server's. Without a token it starts the LinkedIn sandbox
 * in-process and wraps that (and says so on stderr).
 *
 * `http` listens on PORT (0 = any free port) at /mcp. MCP_AUTH_TOKEN, when set, is required from every caller as
 * `Authorization: Bearer …` (a bearer connection's token); it must be set to serve a real token beyond loopback.
 *
 * stdout belongs to JSON-RPC in stdio mode: every log line goes to stderr.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { LinkedInClient } from '../linkedin.client';
import { LinkedInSandbox } from '../sandbox/linkedin.sandbox';
import { serveLinkedInMcpHttp } from './linkedin-mcp.http';
import { createLinkedInMcpServer } from './linkedin-mcp.server';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

const Env = z
  .object({
    LINKEDIN_ACCESS_TOKEN: z.string().min(10).optional(),
    LINKEDIN_API_URL: z.url({ protocol: /^https?$/ }).default('https://api.linkedin.com'),
    LINKEDIN_VERSION: z
      .string()
      .regex(/^\d{4}(0[1-9]|1[0-2])(\.\d{2})?$/, 'YYYYMM or YYYYMM.RR')
      .optional(),
    LINKEDIN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).optional(),
    MCP_AUTH_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
    PORT: z.coerce.number().int().min(0).max(65535).default(0),
    HOST: z.string().min(1).default('127.0.0.1'),
  });

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** Last month's version: always active (LinkedIn keeps a version about a year). */
function lastMonthVersion(now: Date): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  if (mode !== 'stdio' && mode !== 'http') {
    log('usage: linkedin-mcp.main.js stdio|http   (env: LINKEDIN_ACCESS_TOKEN, LINKEDIN_API_URL, LINKEDIN_VERSION; MCP_AUTH_TOKEN, PORT, HOST for http)');
    process.exit(2);
  }
  // Empty variables count as unset (a blank line in an env file must not switch a sandbox run to a real account).
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    log(`linkedin-mcp: invalid environment: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'env'}: ${i.message}`).join('; ')}`);
    process.exit(2);
  }
  const env = parsed.data;

  let sandbox: LinkedInSandbox | undefined;
  let client: LinkedInClient;
  if (env.LINKEDIN_ACCESS_TOKEN) {
    if (mode === 'http' && !env.MCP_AUTH_TOKEN && !LOOPBACK.has(env.HOST)) {
      log(`linkedin-mcp: refusing to serve a LinkedIn token on ${env.HOST} without MCP_AUTH_TOKEN (anyone reaching it would post as the member)`);
      process.exit(2);
    }
    const token = env.LINKEDIN_ACCESS_TOKEN;
    client = new LinkedInClient({ baseUrl: env.LINKEDIN_API_URL, version: env.LINKEDIN_VERSION ?? lastMonthVersion(new Date()), token: () => Promise.resolve(token), timeoutMs: env.LINKEDIN_TIMEOUT_MS });
    log(`linkedin-mcp: wrapping ${new URL(env.LINKEDIN_API_URL).origin} (LinkedIn-Version ${client.version})`);
  } else {
    sandbox = new LinkedInSandbox();
    const { url } = await sandbox.start(0);
    const token = sandbox.issueTokens().access_token;
    client = new LinkedInClient({ baseUrl: url, version: sandbox.latestVersion, token: () => Promise.resolve(token), timeoutMs: env.LINKEDIN_TIMEOUT_MS });
    log(`linkedin-mcp: NO LINKEDIN_ACCESS_TOKEN: wrapping the LinkedIn SANDBOX at ${url} (not LinkedIn)`);
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
    const server = createLinkedInMcpServer(client);
    await server.connect(new StdioServerTransport());
    closeServer = () => server.close();
    // The client closing our stdin is how a stdio session ends.
    process.stdin.once('end', () => void shutdown());
    process.stdin.once('close', () => void shutdown());
  } else {
    const http = await serveLinkedInMcpHttp(() => createLinkedInMcpServer(client), {
      port: env.PORT,
      host: env.HOST,
      bearerToken: env.MCP_AUTH_TOKEN,
      onError: (error) => log(`linkedin-mcp: request failed: ${error instanceof Error ? error.message : String(error)}`),
    });
    closeServer = () => http.close();
    log(`LinkedIn MCP server listening on port ${http.port} (${http.url})${env.MCP_AUTH_TOKEN ? ', bearer token required' : ''}`);
  }
}

main().catch((error: unknown) => {
  log(`linkedin-mcp: failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
