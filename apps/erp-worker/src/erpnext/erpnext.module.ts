import { type DynamicModule, Logger, Module, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { ErpNextClient, ErpNextSandbox } from '@junction/connectors/erpnext';
import { ConnectionResolver, ConnectionSecretStore, INTEGRATIONS_OPTIONS, IntegrationCatalog, type IntegrationsOptions } from '@junction/integrations';
import { ConnectionEventRepository, ConnectionRepository, PrismaService } from '@junction/persistence';
import type { ErpWorkerEnv } from '../config/env';
import { ErpNextCalls } from './erpnext-calls';
import { ErpNextConnections, type ErpNextFallback } from './erpnext-connections';
import { ErpNextEnvConnection } from './erpnext-env-connection';
import { ErpNextMcpSessions } from './erpnext-mcp-sessions';

const SANDBOX_KEY = 'sandbox-key';
const SANDBOX_SECRET = 'sandbox-secret';

/** Stops the in-process sandbox, when this worker started one. */
class SandboxLifecycle implements OnApplicationShutdown {
  constructor(private readonly sandbox?: ErpNextSandbox) {}
  async onApplicationShutdown(): Promise<void> {
    await this.sandbox?.stop();
  }
}

/**
 * ERPNext for the worker's use cases: ErpNextConnections resolves each command's connection (with JUNCTION_KEK) and
 * hands out one client per connection: the REST client, or for `config.transport: "mcp"` an MCP adapter on the
 * connection's ERPNext MCP server (ErpNextMcpSessions, closed at shutdown). Env credentials (ERPNEXT_*) become
 * TENANT_ID's connection `erpnext-env` at start. Without any credentials it starts the ERPNext sandbox in-process and
 * says so loudly, so a demo never silently pretends to write to a real ERP. ErpNextClient (the env or sandbox client) stays exported for use cases
 * not yet resolving connections. ErpNextCalls runs a command's calls on its connection through the resilience pipeline.
 */
@Module({})
export class ErpNextModule {
  static forRoot(env: ErpWorkerEnv): DynamicModule {
    const connectionsEnabled = env.JUNCTION_KEK !== undefined;
    const providers: Provider[] = [
      {
        provide: ErpNextSandbox,
        useFactory: async () => {
          if (env.ERPNEXT_URL) return undefined;
          const sandbox = new ErpNextSandbox({ apiKey: SANDBOX_KEY, apiSecret: SANDBOX_SECRET });
          const { url } = await sandbox.start(env.ERPNEXT_SANDBOX_PORT);
          new Logger(ErpNextModule.name).warn(
            `no ERPNext credentials in env: using the ERPNext sandbox at ${url}${connectionsEnabled ? ' for tenants without an erpnext connection' : ''}`,
          );
          return sandbox;
        },
      },
      {
        provide: ErpNextClient,
        inject: [ErpNextSandbox],
        useFactory: (sandbox?: ErpNextSandbox) =>
          new ErpNextClient(
            sandbox
              ? { baseUrl: sandbox.url, apiKey: SANDBOX_KEY, apiSecret: SANDBOX_SECRET, timeoutMs: env.ERPNEXT_TIMEOUT_MS }
              : { baseUrl: env.ERPNEXT_URL!, apiKey: env.ERPNEXT_API_KEY!, apiSecret: env.ERPNEXT_API_SECRET!, timeoutMs: env.ERPNEXT_TIMEOUT_MS },
          ),
      },
      // A provider (not a private object) so that its shutdown hook closes every MCP session and stdio child.
      {
        provide: ErpNextMcpSessions,
        inject: [{ token: INTEGRATIONS_OPTIONS, optional: true }],
        useFactory: (options?: IntegrationsOptions) => new ErpNextMcpSessions(options),
      },
      {
        provide: ErpNextConnections,
        inject: [ErpNextSandbox, ErpNextClient, ErpNextMcpSessions, { token: ConnectionResolver, optional: true }],
        useFactory: (sandbox: ErpNextSandbox | undefined, client: ErpNextClient, mcp: ErpNextMcpSessions, resolver?: ConnectionResolver) => {
          const fallback: ErpNextFallback = sandbox ? { kind: 'sandbox', client } : connectionsEnabled ? { kind: 'none' } : { kind: 'env', client };
          return new ErpNextConnections({ fallback, timeoutMs: env.ERPNEXT_TIMEOUT_MS, resolver: connectionsEnabled ? resolver : undefined, mcp });
        },
      },
      { provide: SandboxLifecycle, inject: [ErpNextSandbox], useFactory: (sandbox?: ErpNextSandbox) => new SandboxLifecycle(sandbox) },
      ErpNextCalls,
    ];
    if (connectionsEnabled && env.ERPNEXT_URL) {
      providers.push({
        provide: ErpNextEnvConnection,
        inject: [PrismaService, ConnectionRepository, ConnectionEventRepository, ConnectionSecretStore, IntegrationCatalog],
        useFactory: (...deps: [PrismaService, ConnectionRepository, ConnectionEventRepository, ConnectionSecretStore, IntegrationCatalog]) =>
          new ErpNextEnvConnection(
            { tenantId: env.TENANT_ID, baseUrl: env.ERPNEXT_URL!, apiKey: env.ERPNEXT_API_KEY!, apiSecret: env.ERPNEXT_API_SECRET!, timeoutMs: env.ERPNEXT_TIMEOUT_MS },
            ...deps,
          ),
      });
    }
    // Global and imported once (app.definition): one sandbox, one client cache for every capability module.
    return { module: ErpNextModule, global: true, providers, exports: [ErpNextClient, ErpNextSandbox, ErpNextConnections, ErpNextCalls] };
  }
}
