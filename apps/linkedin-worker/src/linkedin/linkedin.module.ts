import { type DynamicModule, Logger, Module, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { LinkedInClient, LinkedInSandbox } from '@junction/connectors/linkedin';
import { ConnectionResolver, defaultLinkedInVersion, parseCommandList } from '@junction/integrations';
import { McpClients } from '@junction/mcp';
import type { LinkedinWorkerEnv } from '../config/env';
import { LinkedInCalls } from './linkedin-calls';
import { LinkedInConnections, type LinkedInFallback } from './linkedin-connections';

/** The sandbox's seeded organization administered by its first member. */
const SANDBOX_ORGANIZATION = 1001;

class LinkedInLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly mcp: McpClients,
    private readonly sandbox?: LinkedInSandbox,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    // No stdio MCP server may outlive the worker.
    await Promise.allSettled([this.mcp.closeAll(), this.sandbox?.stop()]);
  }
}

/**
 * LinkedIn for the use cases (global: imported once by the app, so one sandbox at most). With JUNCTION_KEK each command runs on its connection (oauth2 with race-safe refresh,
 * or a bearer member token). LINKEDIN_ACCESS_TOKEN is the fallback without connections. With neither, the LinkedIn
 * sandbox starts in-process and a token it issued is used: loudly, so a demo never pretends to post to LinkedIn.
 * A connection with `transport: mcp` calls a LinkedIn MCP server instead, over one pooled McpClient per connection
 * version (McpClients, all closed at shutdown); stdio servers only from MCP_STDIO_COMMANDS.
 */
@Module({})
export class LinkedInModule {
  static forRoot(env: LinkedinWorkerEnv): DynamicModule {
    const connectionsEnabled = env.JUNCTION_KEK !== undefined;
    const providers: Provider[] = [
      {
        provide: LinkedInSandbox,
        useFactory: async () => {
          if (env.LINKEDIN_ACCESS_TOKEN) return undefined;
          const sandbox = new LinkedInSandbox();
          const { url } = await sandbox.start(env.LINKEDIN_SANDBOX_PORT);
          new Logger(LinkedInModule.name).warn(
            `NO LINKEDIN_ACCESS_TOKEN: posting to the in-process LinkedIn SANDBOX at ${url} (not LinkedIn)${connectionsEnabled ? ' for tenants without a linkedin connection' : ''}`,
          );
          return sandbox;
        },
      },
      { provide: McpClients, useFactory: () => new McpClients() },
      {
        provide: LinkedInConnections,
        inject: [LinkedInSandbox, McpClients, { token: ConnectionResolver, optional: true }],
        useFactory: (sandbox: LinkedInSandbox | undefined, mcp: McpClients, resolver?: ConnectionResolver) => {
          const version = env.LINKEDIN_VERSION ?? defaultLinkedInVersion(new Date());
          let fallback: LinkedInFallback;
          if (sandbox) {
            const token = sandbox.issueTokens().access_token;
            const client = new LinkedInClient({ baseUrl: sandbox.url, version: sandbox.latestVersion, token: () => Promise.resolve(token), timeoutMs: env.LINKEDIN_TIMEOUT_MS });
            fallback = { kind: 'sandbox', client: { client, organizationId: env.LINKEDIN_ORGANIZATION_ID ?? SANDBOX_ORGANIZATION } };
          } else if (!connectionsEnabled) {
            const token = env.LINKEDIN_ACCESS_TOKEN!;
            const client = new LinkedInClient({ baseUrl: env.LINKEDIN_API_URL, version, token: () => Promise.resolve(token), timeoutMs: env.LINKEDIN_TIMEOUT_MS });
            fallback = { kind: 'env', client: { client, organizationId: env.LINKEDIN_ORGANIZATION_ID } };
          } else {
            fallback = { kind: 'none' };
          }
          return new LinkedInConnections({
            fallback,
            timeoutMs: env.LINKEDIN_TIMEOUT_MS,
            version: env.LINKEDIN_VERSION,
            resolver: connectionsEnabled ? resolver : undefined,
            mcp: { clients: mcp, stdioCommands: parseCommandList(env.MCP_STDIO_COMMANDS) },
          });
        },
      },
      LinkedInCalls,
      { provide: LinkedInLifecycle, inject: [McpClients, LinkedInSandbox], useFactory: (mcp: McpClients, sandbox?: LinkedInSandbox) => new LinkedInLifecycle(mcp, sandbox) },
    ];
    return { module: LinkedInModule, global: true, providers, exports: [LinkedInSandbox, LinkedInConnections, LinkedInCalls] };
  }
}
