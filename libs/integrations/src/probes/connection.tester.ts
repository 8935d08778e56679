import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { ConnectionProbe, ConnectionTestResult, ResolvedConnection } from '../connections/connection.types';
import { INTEGRATIONS_OPTIONS, type IntegrationsOptions } from '../integrations.options';
import { usesMcp } from '../resolve/mcp-server.target';
import { McpProbe } from './mcp/mcp.probe';
import { MagentoProbe, RestProbe, WooCommerceProbe } from './providers/commerce.probes';
import { CrmProbe } from './providers/crm.probe';
import { ErpNextProbe } from './providers/erpnext.probe';
import { LinkedInProbe } from './providers/linkedin.probe';
import { RedditProbe } from './providers/reddit.probe';
import { ShopifyProbe } from './providers/shopify.probe';

/** Replaces the default probes (tests, or an app with probes of its own). */
export const CONNECTION_PROBES = Symbol('CONNECTION_PROBES');

export const DEFAULT_TEST_TIMEOUT_MS = 10_000;
const MAX_TEST_TIMEOUT_MS = 60_000;

export function defaultProbes(options?: IntegrationsOptions): ConnectionProbe[] {
  return [new ErpNextProbe(), new CrmProbe(), new LinkedInProbe(), new RedditProbe(), new ShopifyProbe(), new WooCommerceProbe(), new MagentoProbe(), new RestProbe(), new McpProbe(options)];
}

/**
 * Tests a connection with its type's probe, within a timeout. Never throws: an unknown type, a probe that
 * throws and a probe that outlives the timeout each come back as a result with an errorClass.
 *
 * A provider connection whose worker reaches the provider through an MCP server (`config.transport: "mcp"`:
 * erpnext, crm, linkedin, reddit …) is tested by the MCP probe of its `config.mcp` server (the probe registered for
 * `mcp-stdio` when it names a command, `mcp-sse` with `legacySse`, else `mcp-http`): its REST probe would test an
 * API the worker does not call.
 */
@Injectable()
export class ConnectionTester {
  private readonly logger = new Logger(ConnectionTester.name);
  private readonly bySlug = new Map<string, ConnectionProbe>();

  constructor(@Optional() @Inject(CONNECTION_PROBES) probes?: ConnectionProbe[], @Optional() @Inject(INTEGRATIONS_OPTIONS) options?: IntegrationsOptions) {
    for (const probe of probes ?? defaultProbes(options)) for (const slug of probe.typeSlugs) this.bySlug.set(slug, probe);
  }

  async test(connection: ResolvedConnection, options: { timeoutMs?: number } = {}): Promise<ConnectionTestResult> {
    const timeoutMs = Math.min(Math.max(options.timeoutMs ?? DEFAULT_TEST_TIMEOUT_MS, 1), MAX_TEST_TIMEOUT_MS);
    const probe = this.bySlug.get(usesMcp(connection) ? mcpSlugOf(connection) : connection.typeSlug);
    if (!probe) return { ok: false, latencyMs: 0, capabilities: [], errorClass: 'config', message: `no connection test exists for type ${connection.typeSlug}` };

    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    // The probe bounds its own I/O by timeoutMs; this guard (with a little slack for its cleanup) is for a probe that does not.
    const guard = new Promise<ConnectionTestResult>((resolve) => {
      timer = setTimeout(
        () => resolve({ ok: false, latencyMs: Math.round(performance.now() - started), capabilities: [], errorClass: 'timeout', message: `no answer within ${timeoutMs} ms` }),
        timeoutMs + 250,
      );
    });
    try {
      return await Promise.race([
        probe.test(connection, { timeoutMs }).catch((error: unknown) => {
          this.logger.error(`probe for ${connection.typeSlug} threw instead of returning a result (${error instanceof Error ? error.name : typeof error})`);
          return { ok: false, latencyMs: Math.round(performance.now() - started), capabilities: [], errorClass: 'protocol' as const, message: 'the connection test failed unexpectedly' };
        }),
        guard,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The MCP connection type whose probe tests a provider connection's `config.mcp` server. */
function mcpSlugOf(connection: ResolvedConnection): string {
  const server = connection.config.mcp as { command?: unknown; legacySse?: unknown } | undefined;
  if (typeof server?.command === 'string') return 'mcp-stdio';
  return server?.legacySse === true ? 'mcp-sse' : 'mcp-http';
}
