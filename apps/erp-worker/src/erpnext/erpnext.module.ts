import { type DynamicModule, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ErpNextClient, ErpNextSandbox } from '@junction/connectors/erpnext';
import type { ErpWorkerEnv } from '../config/env';

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
 * Provides the ErpNextClient. With credentials it talks to that site; without, it starts the ERPNext
 * sandbox in-process and says so loudly, so a demo never silently pretends to write to a real ERP.
 */
@Module({})
export class ErpNextModule {
  static forRoot(env: ErpWorkerEnv): DynamicModule {
    return {
      module: ErpNextModule,
      providers: [
        {
          provide: ErpNextSandbox,
          useFactory: async () => {
            if (env.ERPNEXT_URL) return undefined;
            const sandbox = new ErpNextSandbox({ apiKey: SANDBOX_KEY, apiSecret: SANDBOX_SECRET });
            const { url } = await sandbox.start(env.ERPNEXT_SANDBOX_PORT);
            new Logger(ErpNextModule.name).warn(`no ERPNext credentials configured: using the ERPNext sandbox at ${url}`);
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
        { provide: SandboxLifecycle, inject: [ErpNextSandbox], useFactory: (sandbox?: ErpNextSandbox) => new SandboxLifecycle(sandbox) },
      ],
      exports: [ErpNextClient, ErpNextSandbox],
    };
  }
}
