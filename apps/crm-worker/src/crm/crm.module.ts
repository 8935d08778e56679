import { type DynamicModule, Logger, Module, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { CRM_SANDBOX_TOKEN, CrmSandbox, HubSpotClient } from '@junction/connectors/crm';
import { ConnectionResolver } from '@junction/integrations';
import { ResiliencePipelines } from '@junction/resilience';
import type { CrmWorkerEnv } from '../config/env';
import { CrmGateway } from './crm-gateway';

/** Stops the in-process sandbox, when this worker started one. */
class SandboxLifecycle implements OnApplicationShutdown {
  constructor(private readonly sandbox?: CrmSandbox) {}
  async onApplicationShutdown(): Promise<void> {
    await this.sandbox?.stop();
  }
}

/**
 * The CRM for every use case (global): CrmGateway resolves each command's connection and hands out a CrmPort.
 * Without CRM_URL/CRM_ACCESS_TOKEN the worker starts the CRM sandbox in-process and says so loudly, so a demo never
 * silently pretends to write to a real CRM.
 */
@Module({})
export class CrmModule {
  static forRoot(env: CrmWorkerEnv): DynamicModule {
    const connectionsEnabled = env.JUNCTION_KEK !== undefined;
    const providers: Provider[] = [
      {
        provide: CrmSandbox,
        useFactory: async () => {
          if (env.CRM_URL) return undefined;
          const sandbox = new CrmSandbox();
          const { url } = await sandbox.start(env.CRM_SANDBOX_PORT);
          new Logger(CrmModule.name).warn(
            `NO CRM CREDENTIALS (CRM_URL, CRM_ACCESS_TOKEN): leads and deals go to the in-process CRM SANDBOX at ${url}, not a real CRM` +
              (connectionsEnabled ? ' (for tenants without a crm connection)' : ''),
          );
          return sandbox;
        },
      },
      {
        provide: CrmGateway,
        inject: [CrmSandbox, ResiliencePipelines, { token: ConnectionResolver, optional: true }],
        useFactory: (sandbox: CrmSandbox | undefined, calls: ResiliencePipelines, resolver?: ConnectionResolver) => {
          const client = sandbox
            ? new HubSpotClient({ baseUrl: sandbox.url, token: CRM_SANDBOX_TOKEN, timeoutMs: env.CRM_TIMEOUT_MS })
            : new HubSpotClient({ baseUrl: env.CRM_URL!, token: env.CRM_ACCESS_TOKEN!, timeoutMs: env.CRM_TIMEOUT_MS });
          return new CrmGateway({
            fallbackClient: { kind: sandbox ? 'sandbox' : 'env', client },
            resolver: connectionsEnabled ? resolver : undefined,
            // Env credentials are the operator's: with connections on, only TENANT_ID falls back to them.
            envTenantId: connectionsEnabled && !sandbox ? env.TENANT_ID : undefined,
            timeoutMs: env.CRM_TIMEOUT_MS,
            calls,
          });
        },
      },
      { provide: SandboxLifecycle, inject: [CrmSandbox], useFactory: (sandbox?: CrmSandbox) => new SandboxLifecycle(sandbox) },
    ];
    return { module: CrmModule, global: true, providers, exports: [CrmGateway, CrmSandbox] };
  }
}
