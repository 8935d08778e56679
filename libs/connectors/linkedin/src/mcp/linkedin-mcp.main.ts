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
 * The command line, shutdown and HTTP hosting are libs/mcp's (runProviderMcpMain), shared with ERPNext's and Reddit's.
 */
import { z } from 'zod';
import { isLoopbackHost, PROVIDER_MCP_HTTP_ENV, runProviderMcpMain } from '@junction/mcp';
import { LinkedInClient } from '../linkedin.client';
import { LinkedInSandbox } from '../sandbox/linkedin.sandbox';
import { createLinkedInMcpServer } from './linkedin-mcp.server';

const Env = z.object({
  LINKEDIN_ACCESS_TOKEN: z.string().min(10).optional(),
  LINKEDIN_API_URL: z.url({ protocol: /^https?$/ }).default('https://api.linkedin.com'),
  LINKEDIN_VERSION: z
    .string()
    .regex(/^\d{4}(0[1-9]|1[0-2])(\.\d{2})?$/, 'YYYYMM or YYYYMM.RR')
    .optional(),
  LINKEDIN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).optional(),
  MCP_AUTH_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  ...PROVIDER_MCP_HTTP_ENV,
});

/** Last month's version: always active (LinkedIn keeps a version about a year). */
function lastMonthVersion(now: Date): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

runProviderMcpMain({
  name: 'linkedin-mcp',
  usageEnv: 'LINKEDIN_ACCESS_TOKEN, LINKEDIN_API_URL, LINKEDIN_VERSION; MCP_AUTH_TOKEN, PORT, HOST for http',
  env: Env,
  async start(env, { mode, log, refuse }) {
    if (env.LINKEDIN_ACCESS_TOKEN) {
      if (mode === 'http' && !env.MCP_AUTH_TOKEN && !isLoopbackHost(env.HOST)) {
        refuse(`linkedin-mcp: refusing to serve a LinkedIn token on ${env.HOST} without MCP_AUTH_TOKEN (anyone reaching it would post as the member)`);
      }
      const token = env.LINKEDIN_ACCESS_TOKEN;
      const client = new LinkedInClient({ baseUrl: env.LINKEDIN_API_URL, version: env.LINKEDIN_VERSION ?? lastMonthVersion(new Date()), token: () => Promise.resolve(token), timeoutMs: env.LINKEDIN_TIMEOUT_MS });
      log(`linkedin-mcp: wrapping ${new URL(env.LINKEDIN_API_URL).origin} (LinkedIn-Version ${client.version})`);
      return { newServer: () => createLinkedInMcpServer(client) };
    }
    const sandbox = new LinkedInSandbox();
    const { url } = await sandbox.start(0);
    const token = sandbox.issueTokens().access_token;
    const client = new LinkedInClient({ baseUrl: url, version: sandbox.latestVersion, token: () => Promise.resolve(token), timeoutMs: env.LINKEDIN_TIMEOUT_MS });
    log(`linkedin-mcp: NO LINKEDIN_ACCESS_TOKEN: wrapping the LinkedIn SANDBOX at ${url} (not LinkedIn)`);
    return { newServer: () => createLinkedInMcpServer(client), stop: () => sandbox.stop() };
  },
  http: (env) => ({ title: 'LinkedIn MCP server', auth: env.MCP_AUTH_TOKEN ? { scheme: 'bearer', token: env.MCP_AUTH_TOKEN } : undefined }),
});
