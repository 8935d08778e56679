import { Inject, Injectable } from '@nestjs/common';
import { MESSAGE_BUS, type MessageBus, OutboxRelay } from '@junction/messaging';
import { PrismaService } from '@junction/persistence';
import type { ReadResourceResult, Resource } from '@modelcontextprotocol/sdk/types.js';
import { CommandResultWaiter } from '../../results/command-result.waiter';
import { ToolCallRepository } from '../calls/tool-call.repository';
import { GatewayHealthRepository } from './gateway-health.repository';

export const METRICS_WINDOW_MINUTES = Symbol('MCP_METRICS_WINDOW_MINUTES');

export const HEALTH_URI = 'junction://health';
export const TOOL_METRICS_URI = 'junction://metrics/tools';

const RESOURCES: Resource[] = [
  { uri: HEALTH_URI, name: 'health', title: 'Junction health', description: "mcp-gateway's readiness and the status and last health check of each of your connections", mimeType: 'application/json' },
  { uri: TOOL_METRICS_URI, name: 'tool-metrics', title: 'Tool call metrics', description: 'Per tool: calls, errors and p50/p95/p99 latency over the metrics window (your tenant)', mimeType: 'application/json' },
];

/** The gateway's MCP resources, read for the caller's tenant. None holds a secret: no config, no credential, no arguments. */
@Injectable()
export class GatewayResources {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    private readonly relay: OutboxRelay,
    private readonly waiter: CommandResultWaiter,
    private readonly health: GatewayHealthRepository,
    private readonly calls: ToolCallRepository,
    @Inject(METRICS_WINDOW_MINUTES) private readonly windowMinutes: number,
  ) {}

  list(): Resource[] {
    return RESOURCES;
  }

  /** Undefined for a URI that is not one of ours. */
  async read(uri: string, tenantId: string): Promise<ReadResourceResult | undefined> {
    switch (uri) {
      case HEALTH_URI:
        return json(uri, { app: await this.readiness(), connections: await this.health.connections(tenantId) });
      case TOOL_METRICS_URI: {
        const since = new Date(Date.now() - this.windowMinutes * 60_000);
        return json(uri, { windowMinutes: this.windowMinutes, since: since.toISOString(), tools: await this.calls.metrics(since, tenantId) });
      }
      default:
        return undefined;
    }
  }

  private async readiness(): Promise<{ status: 'ready' | 'not_ready'; checks: Record<string, { up: boolean; detail?: string }> }> {
    let database: { up: boolean; detail?: string };
    try {
      await this.prisma.ping();
      database = { up: true };
    } catch (error: unknown) {
      database = { up: false, detail: (error as Error).message };
    }
    const bus = this.bus.health();
    const relay = this.relay.health();
    const checks = {
      database,
      broker: { up: bus.up, detail: bus.up ? this.bus.transport : (bus.detail ?? 'down') },
      outbox: { up: relay.up, ...(relay.up ? {} : { detail: `relay failing (${relay.failures} attempts)` }) },
      // Not a readiness condition: without LISTEN, results are polled every 500 ms.
      resultNotifications: { up: true, detail: this.waiter.isListening() ? 'listening' : 'polling' },
    };
    return { status: Object.values(checks).every((c) => c.up) ? 'ready' : 'not_ready', checks };
  }
}

function json(uri: string, value: unknown): ReadResourceResult {
  return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }] };
}
