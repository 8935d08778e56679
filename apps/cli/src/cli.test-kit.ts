/** Shared by the CLI's unit specs: a runtime of jest mocks and a runner that captures stdout and stderr. */
import { MemoryTransport } from '@junction/messaging';
import type { ConnectionView } from '@junction/integrations';
import type { ApiKeyView, EndpointView } from '@junction/webhooks';
import { runCli } from './cli';
import type { CliRuntime } from './cli-context';

export const SECRET = 'shpss_first-secret-value-0001';
export const ENV_SECRET = 'shpss_env-secret-value-0002';
export const STDIN_SECRET = 'shpss_stdin-secret-value-0003';
const KEK = `k1:${Buffer.alloc(32, 7).toString('base64')}`;

export function endpointView(overrides: Partial<EndpointView> = {}): EndpointView {
  return {
    id: 'my-shop',
    tenantId: 'default',
    provider: 'shopify',
    scheme: 'shopify',
    schemeOptions: {},
    description: null,
    url: '/webhooks/shopify/my-shop',
    toleranceSeconds: 300,
    futureToleranceSeconds: 60,
    bodyLimitBytes: 262_144,
    rateLimit: null,
    routes: [],
    disabled: false,
    secrets: [{ id: 'sec-1', createdAt: new Date('2025-01-01T00:00:00Z'), expiresAt: null, active: true }],
    createdAt: new Date('2025-01-01T00:00:00Z'),
    updatedAt: new Date('2025-01-01T00:00:00Z'),
    ...overrides,
  };
}

export function connectionView(overrides: Partial<ConnectionView> = {}): ConnectionView {
  return {
    id: '0b6c2f0e-4a4e-4d4a-9a43-7d7f1e0c0001',
    tenantId: 'default',
    type: 'erpnext',
    name: 'main site',
    authMethod: 'api_key',
    config: { baseUrl: 'https://erp.example.com' },
    status: 'configuring',
    isDefault: true,
    hasCredential: true,
    credentialExpiresAt: null,
    credentialRotatedAt: null,
    lastTestedAt: null,
    lastError: null,
    connectedAt: null,
    createdAt: new Date('2025-01-01T00:00:00Z'),
    updatedAt: new Date('2025-01-01T00:00:00Z'),
    ...overrides,
  };
}

const keyView: ApiKeyView = { id: 'AbCdEf012345', tenantId: 'default', name: 'ops', scopes: ['admin'], mcpTools: [], createdAt: new Date('2025-01-01T00:00:00Z'), lastUsedAt: null, revokedAt: null };

/** A runtime whose services are jest mocks: these specs are about arguments and output, not persistence. */
export function fakeRuntime() {
  const endpoints = {
    create: jest.fn(async () => endpointView()),
    list: jest.fn(async () => [endpointView(), endpointView({ id: 'gh', provider: 'github', scheme: 'github', url: '/webhooks/github/gh', disabled: true })]),
    get: jest.fn(async () => endpointView()),
    update: jest.fn(async (_ctx: unknown, _id: string, patch: { disabled?: boolean }) => endpointView({ disabled: patch.disabled ?? false })),
    remove: jest.fn(async () => undefined),
    addSecret: jest.fn(async (_ctx: unknown, _id: string, _input: unknown) => endpointView({ secrets: [...endpointView().secrets, { id: 'sec-2', createdAt: new Date('2025-01-02T00:00:00Z'), expiresAt: null, active: true }] })),
    removeSecret: jest.fn(async () => endpointView()),
  };
  const apiKeys = { create: jest.fn(async () => ({ key: 'jk_AbCdEf012345_secretpartsecretpartsecretpartsecretpart123', view: keyView })), list: jest.fn(async () => [keyView]), revoke: jest.fn(async () => ({ ...keyView, revokedAt: new Date() })) };
  const rewrapAll = jest.fn(async () => ({ rewrapped: 3, current: 1 }));
  // A real transport: the topology commands' specs count what it holds.
  const bus = new MemoryTransport();
  const connections = {
    create: jest.fn(async (_ctx: unknown, _input: unknown) => connectionView()),
    list: jest.fn(async (_ctx: unknown, _query: unknown) => [connectionView()]),
    get: jest.fn(async () => connectionView()),
    test: jest.fn(async () => ({ ok: true, latencyMs: 12, capabilities: ['user:Administrator'], errorClass: null, message: 'authenticated as Administrator' })),
    connect: jest.fn(async () => ({ connection: connectionView({ status: 'connected' }), test: { ok: true, latencyMs: 12, capabilities: [], errorClass: null, message: 'ok' } })),
    disconnect: jest.fn(async () => connectionView({ status: 'disconnected' })),
    rotateCredential: jest.fn(async (_ctx: unknown, _id: string, _input: unknown) => connectionView({ credentialRotatedAt: new Date('2025-02-01T00:00:00Z') })),
    remove: jest.fn(async () => undefined),
    logs: jest.fn(async (_ctx: unknown, _id: string, _query: unknown) => ({ items: [{ id: 'e1', type: 'created', actor: 'cli', detail: {}, occurredAt: new Date('2025-01-01T00:00:00Z') }], nextBefore: null })),
    health: jest.fn(async (_ctx: unknown, _id: string, _query: unknown) => ({ status: { status: 'unknown', since: null, reasons: [] }, items: [], summary: { checks: 0, ok: 0, failed: 0, uptimeRatio: null, p50LatencyMs: null, p95LatencyMs: null, from: null, to: null } })),
    healthOverview: jest.fn(async (_ctx: unknown) => [
      { id: connectionView().id, name: 'main site', type: 'erpnext', status: 'error', lastTestedAt: null, health: { status: 'down', since: new Date('2025-03-01T00:00:00Z'), reasons: [{ code: 'AUTH_FAILED', message: 'authentication failed' }, { code: 'CHECKS_FAILING', message: 'the last 2 checks failed' }] } },
    ]),
  };
  const catalog = { search: jest.fn(async (_filter: unknown) => [{ slug: 'erpnext', name: 'ERPNext', kind: 'vendor', category: 'erp', description: '', authMethods: ['api_key'], configSchema: {}, oauth: null, active: true }]) };
  const runtime: CliRuntime = {
    connections: jest.fn(async () => connections as never),
    catalog: jest.fn(async () => catalog as never),
    endpoints: jest.fn(async () => endpoints as never),
    apiKeys: jest.fn(async () => apiKeys as never),
    credentials: jest.fn(async () => ({ service: { rewrapAll } as never, activeKeyId: 'k2' })),
    keyIds: jest.fn(async () => ['local-1']),
    // The outbox commands' specs run against a real database (outbox.command.int-spec.ts).
    parkedOutbox: jest.fn(async () => {
      throw new Error('no database in the unit specs');
    }),
    retention: jest.fn(async () => {
      throw new Error('no database in the unit specs');
    }),
    bus: jest.fn(async () => bus),
    // The dead-letter commands' specs run against a real database and broker (dead-letters.command.int-spec.ts).
    deadLetters: jest.fn(async () => {
      throw new Error('no database in the unit specs');
    }),
    // The schedules and runs commands' specs run against a real database (schedules.command.int-spec.ts).
    scheduler: jest.fn(async () => {
      throw new Error('no database in the unit specs');
    }),
    // The batch commands' specs run against a real database (batch.command.int-spec.ts).
    batchFiles: jest.fn(async () => {
      throw new Error('no database in the unit specs');
    }),
    // The alert-channel commands' specs run against a real database (alert-channels.command.int-spec.ts).
    alertChannels: jest.fn(async () => {
      throw new Error('no database in the unit specs');
    }),
    // The alerts commands' specs run against a real database (alerts.command.int-spec.ts).
    alerts: jest.fn(async () => {
      throw new Error('no database in the unit specs');
    }),
    close: jest.fn(async () => undefined),
  };
  return { runtime, endpoints, apiKeys, rewrapAll, bus, connections, catalog };
}

export async function run(argv: string[], options: { env?: Record<string, string>; stdin?: string; fake?: ReturnType<typeof fakeRuntime> } = {}) {
  const fake = options.fake ?? fakeRuntime();
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env: { JUNCTION_KEK: KEK, ...options.env },
    io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), readStdin: async () => options.stdin ?? '' },
    runtime: () => fake.runtime,
  });
  return { code, stdout, stderr, fake, all: stdout + stderr };
}
