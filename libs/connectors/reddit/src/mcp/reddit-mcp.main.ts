/**
 * Reddit MCP server, run by hand or spawned by reddit-analyzer for a `transport: mcp` stdio connection:
 *   node dist/libs/connectors/reddit/src/mcp/reddit-mcp.main.js stdio|http
 *
 * The server holds the Reddit app's credentials: REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET (application-only OAuth)
 * with REDDIT_USER_AGENT, against REDDIT_AUTH_URL / REDDIT_API_URL (default Reddit's). A stdio connection hands them
 * over as `config.mcp.secretEnv: {"REDDIT_CLIENT_ID": "apiKey", "REDDIT_CLIENT_SECRET": "apiSecret"}` (its api_key
 * credential). Without them it starts the Reddit sandbox in-process, seeded with r/junction, and wraps that (and says
 * so on stderr).
 *
 * `http` listens on PORT (0 = any free port) at /mcp. MCP_API_KEY, when set, is required from every caller in the
 * MCP_API_KEY_HEADER header (default X-API-Key: what a Junction api_key connection sends); it must be set to serve
 * real credentials beyond loopback.
 *
 * The command line, shutdown and HTTP hosting are libs/mcp's (runProviderMcpMain), shared with ERPNext's and LinkedIn's.
 */
import { z } from 'zod';
import { isLoopbackHost, PROVIDER_MCP_HTTP_ENV, runProviderMcpMain } from '@junction/mcp';
import { RedditClient } from '../reddit.client';
import { RedditSandbox } from '../sandbox/reddit.sandbox';
import { createRedditMcpServer } from './reddit-mcp.server';

const SANDBOX_CLIENT = 'sandbox-client';
const SANDBOX_SECRET = 'sandbox-secret';
const SANDBOX_SUBREDDIT = 'junction';

const Env = z
  .object({
    REDDIT_CLIENT_ID: z.string().min(1).optional(),
    REDDIT_CLIENT_SECRET: z.string().min(1).optional(),
    REDDIT_USER_AGENT: z.string().trim().min(3).max(256).default('server:io.junction.reddit-mcp:v1.0 (by /u/junction-operator)'),
    REDDIT_AUTH_URL: z.url({ protocol: /^https?$/ }).default('https://www.reddit.com'),
    REDDIT_API_URL: z.url({ protocol: /^https?$/ }).default('https://oauth.reddit.com'),
    REDDIT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).optional(),
    MCP_API_KEY: z.string().min(16, 'at least 16 characters').optional(),
    MCP_API_KEY_HEADER: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/).default('x-api-key'),
    ...PROVIDER_MCP_HTTP_ENV,
  })
  .refine((e) => Boolean(e.REDDIT_CLIENT_ID) === Boolean(e.REDDIT_CLIENT_SECRET), { message: 'set REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET together, or neither (sandbox)' });

runProviderMcpMain({
  name: 'reddit-mcp',
  usageEnv: 'REDDIT_CLIENT_ID, REDDIT_CLIENT_SECRET, REDDIT_USER_AGENT, REDDIT_AUTH_URL, REDDIT_API_URL; MCP_API_KEY, PORT, HOST for http',
  env: Env,
  async start(env, { mode, log, refuse }) {
    const serve = (client: RedditClient) => () => createRedditMcpServer(client, { rateLimit: () => client.rateLimit });
    if (env.REDDIT_CLIENT_ID && env.REDDIT_CLIENT_SECRET) {
      if (mode === 'http' && !env.MCP_API_KEY && !isLoopbackHost(env.HOST)) {
        refuse(`reddit-mcp: refusing to serve Reddit credentials on ${env.HOST} without MCP_API_KEY (anyone reaching it would spend the app's quota)`);
      }
      const client = new RedditClient({
        authBaseUrl: env.REDDIT_AUTH_URL,
        apiBaseUrl: env.REDDIT_API_URL,
        clientId: env.REDDIT_CLIENT_ID,
        clientSecret: env.REDDIT_CLIENT_SECRET,
        userAgent: env.REDDIT_USER_AGENT,
        timeoutMs: env.REDDIT_TIMEOUT_MS,
      });
      log(`reddit-mcp: wrapping ${new URL(env.REDDIT_API_URL).origin}`);
      return { newServer: serve(client) };
    }
    const sandbox = new RedditSandbox({ clients: { [SANDBOX_CLIENT]: SANDBOX_SECRET } });
    sandbox.seedCorpus(SANDBOX_SUBREDDIT, { posts: 150 });
    const { url } = await sandbox.start(0);
    const client = new RedditClient({ authBaseUrl: url, apiBaseUrl: url, clientId: SANDBOX_CLIENT, clientSecret: SANDBOX_SECRET, userAgent: env.REDDIT_USER_AGENT, timeoutMs: env.REDDIT_TIMEOUT_MS });
    log(`reddit-mcp: no REDDIT_CLIENT_ID/REDDIT_CLIENT_SECRET: wrapping the Reddit SANDBOX at ${url} (seeded r/${SANDBOX_SUBREDDIT}), NOT reddit.com`);
    return { newServer: serve(client), stop: () => sandbox.stop() };
  },
  http: (env) => ({ title: 'Reddit MCP server', auth: env.MCP_API_KEY ? { scheme: 'api-key', header: env.MCP_API_KEY_HEADER, key: env.MCP_API_KEY } : undefined }),
});
