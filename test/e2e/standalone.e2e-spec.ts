import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startAppProcess, waitUntil, type AppProcess } from '@junction/testing';

/**
 * `npm start` as a newcomer runs it: no DATABASE_URL (embedded Postgres), no broker (memory bus), no ERPNext
 * credentials (sandbox). Every app must answer ready, and the printed first command must work.
 */
describe('standalone (npm start)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'junction-standalone-'));
  // Run as root, embedded Postgres runs initdb as an unprivileged user, which must be able to enter the folder.
  chmodSync(dataDir, 0o755);
  let offset: number;
  let junction: AppProcess;
  let startMs: number;
  let sandboxPort: number;

  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' });
    sandboxPort = await freePort();
    offset = await freeOffset();
    const t0 = Date.now();
    junction = await startAppProcess(
      'dist/apps/standalone/main.js',
      { JUNCTION_DATA_DIR: dataDir, JUNCTION_PORT_OFFSET: String(offset), ERPNEXT_SANDBOX_PORT: String(sandboxPort), HOST: '127.0.0.1' },
      { readyPattern: /Junction is ready in (\d+) ms/, timeoutMs: 60_000 },
    );
    startMs = Date.now() - t0;
  }, 90_000);

  afterAll(async () => {
    const code = await junction?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    expect(code).toBe(0);
  }, 60_000);

  it('starts all eight apps and prints where each health endpoint answers', () => {
    const urls = [...junction.output().matchAll(/^\s+([a-z-]+)\s+(http:\/\/\S+\/health\/ready)$/gm)].map((m) => m[1]);
    expect(urls.sort()).toEqual(['batch-scheduler', 'crm-worker', 'erp-worker', 'linkedin-worker', 'mcp-gateway', 'metrics-aggregator', 'reddit-analyzer', 'webhook-ingress']);
    expect(startMs).toBeLessThan(30_000);
  });

  it('serves the provider sandboxes on fixed ports', async () => {
    const sandboxes = Object.fromEntries([...junction.output().matchAll(/^\s+(shopify|reddit|crm|linkedin)\s+(http:\/\/\S+)$/gm)].map((m) => [m[1], m[2]]));
    expect(sandboxes).toEqual({
      shopify: `http://127.0.0.1:${8001 + offset}`,
      reddit: `http://127.0.0.1:${8002 + offset}`,
      crm: `http://127.0.0.1:${8003 + offset}`,
      linkedin: `http://127.0.0.1:${8004 + offset}`,
    });
    // Each answers like its provider: unauthenticated calls are refused with the provider's status.
    expect((await fetch(`${sandboxes.crm}/crm/v3/objects/contacts`)).status).toBe(401);
    expect((await fetch(`${sandboxes.shopify}/admin/api/2025-01/products.json`)).status).toBe(401);
  });

  it('answers ready on every health endpoint (database, broker, outbox up)', async () => {
    const urls = [...junction.output().matchAll(/(http:\/\/\S+\/health\/ready)$/gm)].map((m) => m[1]!);
    expect(urls).toHaveLength(8);
    for (const url of urls) {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, broker: { status: 'up', transport: 'memory' }, outbox: { status: 'up' } } });
      const live = await fetch(url.replace('/ready', '/live'));
      expect(live.status).toBe(200);
    }
  });

  it('answers bad requests with a stable code and a readable message, never a 5xx', async () => {
    const key = /Bearer ([A-Za-z0-9_-]+)/.exec(junction.output())![1]!;
    const commandsUrl = /curl -s -X POST (\S+\/commands)/.exec(junction.output())![1]!;
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(commandsUrl, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers }, body });
    const cases: Array<[Promise<Response>, number, string]> = [
      [post('{"type":'), 400, 'MALFORMED_JSON'],
      [post(' '.repeat(1_100_000)), 413, 'PAYLOAD_TOO_LARGE'],
      [post('{}'), 400, 'VALIDATION_FAILED'],
      [post('{"type":"erp.customer.created","payload":{}}'), 400, 'UNKNOWN_MESSAGE_TYPE'],
      [post('{"type":"erp.customer.create","payload":{"customerName":"x","__proto__":{"admin":true}}}'), 400, 'MALFORMED_JSON'],
      [post('{"type":"erp.customer.create","payload":{"customerName":"x"}}', { authorization: 'Bearer wrong-key' }), 401, 'UNAUTHORIZED'],
      [fetch(commandsUrl.replace('/commands', '/nope')), 404, 'NOT_FOUND'],
    ];
    for (const [response, status, code] of cases) {
      const res = await response;
      expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([status, code]);
    }
    expect(junction.output()).not.toContain('"level":"error"');
  });

  it('documents the admin API at /docs, and connects an ERPNext account through it (tested against the sandbox)', async () => {
    const key = /Bearer ([A-Za-z0-9_-]+)/.exec(junction.output())![1]!;
    const docsUrl = /The admin API, documented: (\S+)/.exec(junction.output())![1]!;
    const ui = await fetch(docsUrl);
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toMatch(/text\/html/);
    await ui.body?.cancel();
    const doc = (await (await fetch(`${docsUrl}/json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/admin/connections', '/admin/connections/{id}/test', '/oauth/{connectionId}/authorize']));

    const admin = new URL('/admin/connections', docsUrl).toString();
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const created = await fetch(admin, {
      method: 'POST',
      headers,
      body: JSON.stringify({ type: 'erpnext', name: 'sandbox-site', config: { baseUrl: `http://127.0.0.1:${sandboxPort}` }, credential: { apiKey: 'sandbox-key', apiSecret: 'sandbox-secret' } }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const connected = await fetch(`${admin}/${id}/connect`, { method: 'POST', headers: { authorization: headers.authorization } });
    expect(connected.status).toBe(200);
    const body = JSON.stringify(await connected.json());
    expect(JSON.parse(body)).toMatchObject({ connection: { status: 'connected', isDefault: true }, test: { ok: true, errorClass: null } });
    expect(body).not.toContain('sandbox-secret');
    // The connect's own test, and possibly already a scheduled check (metrics-aggregator checks a new connection at once).
    const health = (await (await fetch(`${admin}/${id}/health`, { headers: { authorization: headers.authorization } })).json()) as { items: Array<{ ok: boolean }> };
    expect(health.items.length).toBeGreaterThanOrEqual(1);
    expect(health.items.every((item) => item.ok)).toBe(true);
  });

  it('runs the first command it prints, creating the Customer in the sandbox', async () => {
    const key = /Bearer ([A-Za-z0-9_-]+)/.exec(junction.output())![1]!;
    const commandsUrl = /curl -s -X POST (\S+\/commands)/.exec(junction.output())![1]!;
    const res = await fetch(commandsUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'erp.customer.create', payload: { customerName: 'Acme GmbH', customerType: 'Company' } }),
    });
    expect(res.status).toBe(202);
    const list = `http://127.0.0.1:${sandboxPort}/api/resource/Customer?fields=${encodeURIComponent('["name","customer_type"]')}`;
    let customers: Array<{ name: string }> = [];
    await waitUntil(async () => {
      const body = (await (await fetch(list, { headers: { authorization: 'token sandbox-key:sandbox-secret' } })).json()) as { data: Array<{ name: string }> };
      customers = body.data;
      return customers.length === 1;
    }, 10_000, 'Customer in the sandbox');
    expect(customers).toEqual([{ name: 'Acme GmbH', customer_type: 'Company' }]);
  });
});

/**
 * A JUNCTION_PORT_OFFSET whose app ports (3000–3007) and sandbox ports (8000–8004) are all free now and below the
 * kernel's ephemeral range (32768 up here), where an outgoing connection's local port could take one before we bind it.
 */
async function freeOffset(): Promise<number> {
  const ports = (offset: number) => [...Array.from({ length: 8 }, (_, i) => 3000 + i), ...Array.from({ length: 5 }, (_, i) => 8000 + i)].map((p) => p + offset);
  for (let attempt = 0; attempt < 50; attempt++) {
    const offset = 10_000 + Math.floor(Math.random() * 14_700);
    if ((await Promise.all(ports(offset).map(canListen))).every(Boolean)) return offset;
  }
  throw new Error('no free port offset found');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
