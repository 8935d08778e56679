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
 * stdout belongs to JSON-RPC in stdio mode: every log line goes to stderr.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { RedditClient } from '../reddit.client';
import { RedditSandbox } from '../sandbox/reddit.sandbox';
import { serveRedditMcpHttp } from './reddit-mcp.http';
import { createRedditMcpServer } from './reddit-mcp.server';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
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
    PORT: z.coerce.number().int().min(0).max(65535).default(0),
    HOST: z.string().min(1).default('127.0.0.1'),
  })
  .refine((e) => Boolean(e.REDDIT_CLIENT_ID) === Boolean(e.REDDIT_CLIENT_SECRET), { message: 'set REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET together, or neither (sandbox)' });

const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const mode = process.argv[2];
  if (mode !== 'stdio' && mode !== 'http') {
    log('usage: reddit-mcp.main.js stdio|http   (env: REDDIT_CLIENT_ID, REDDIT_CLIENT_SECRET, REDDIT_USER_AGENT, REDDIT_AUTH_URL, REDDIT_API_URL; MCP_API_KEY, PORT, HOST for http)');
    process.exit(2);
  }
  // Empty variables count as unset (a blank line in an env file must not switch a sandbox run to a real app).
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    log(`reddit-mcp: invalid environment: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'env'}: ${i.message}`).join('; ')}`);
    process.exit(2);
  }
  const env = parsed.data;

  let sandbox: RedditSandbox | undefined;
  let client: RedditClient;
  if (env.REDDIT_CLIENT_ID && env.REDDIT_CLIENT_SECRET) {
    if (mode === 'http' && !env.MCP_API_KEY && !LOOPBACK.has(env.HOST)) {
      log(`reddit-mcp: refusing to serve Reddit credentials on ${env.HOST} without MCP_API_KEY (anyone reaching it would spend the app's quota)`);
      process.exit(2);
    }
    client = new RedditClient({
      authBaseUrl: env.REDDIT_AUTH_URL,
      apiBaseUrl: env.REDDIT_API_URL,
      clientId: env.REDDIT_CLIENT_ID,
      clientSecret: env.REDDIT_CLIENT_SECRET,
      userAgent: env.REDDIT_USER_AGENT,
      timeoutMs: env.REDDIT_TIMEOUT_MS,
    });
    log(`reddit-mcp: wrapping ${new URL(env.REDDIT_API_URL).origin}`);
  } else {
    sandbox = new RedditSandbox({ clients: { [SANDBOX_CLIENT]: SANDBOX_SECRET } });
    sandbox.seedCorpus(SANDBOX_SUBREDDIT, { posts: 150 });
    const { url } = await sandbox.start(0);
    client = new RedditClient({ authBaseUrl: url, apiBaseUrl: url, clientId: SANDBOX_CLIENT, clientSecret: SANDBOX_SECRET, userAgent: env.REDDIT_USER_AGENT, timeoutMs: env.REDDIT_TIMEOUT_MS });
    log(`reddit-mcp: no REDDIT_CLIENT_ID/REDDIT_CLIENT_SECRET: wrapping the Reddit SANDBOX at ${url} (seeded r/${SANDBOX_SUBREDDIT}), NOT reddit.com`);
  }
  const newServer = () => createRedditMcpServer(client, { rateLimit: () => client.rateLimit });

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
    const server = newServer();
    await server.connect(new StdioServerTransport());
    closeServer = () => server.close();
    // The client closing our stdin is how a stdio session ends.
    process.stdin.once('end', () => void shutdown());
    process.stdin.once('close', () => void shutdown());
  } else {
    const http = await serveRedditMcpHttp(newServer, {
      port: env.PORT,
      host: env.HOST,
      apiKey: env.MCP_API_KEY,
      apiKeyHeader: env.MCP_API_KEY_HEADER,
      onError: (error) => log(`reddit-mcp: request failed: ${error instanceof Error ? error.message : String(error)}`),
    });
    closeServer = () => http.close();
    log(`Reddit MCP server listening on port ${http.port} (${http.url})${env.MCP_API_KEY ? `, ${env.MCP_API_KEY_HEADER} required` : ''}`);
  }
}

main().catch((error: unknown) => {
  log(`reddit-mcp: failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
