import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createMessage, type MessageOf } from '@junction/contracts';
import { createTestDatabase, outboxCausedBy, waitUntil, type TestDatabase } from '@junction/testing';

/**
 * The effect step across real processes (test/e2e/fixtures/effect-step-worker.cjs: each its own pool and claim
 * owner) on one Postgres, calling a sandbox provider that counts what it was asked to do:
 * - the same command delivered to two processes at once → one effect;
 * - a process kill -9'ed mid-call → after its lease runs out another process completes the command, once.
 */
const WORKER = join(__dirname, 'fixtures/effect-step-worker.cjs');

interface ProviderRequest {
  method: string;
  pid: string;
  name: string;
}

type Line = Record<string, unknown> & { outcome?: string; delivery?: number; ready?: boolean; owner?: string };

interface Worker {
  child: ChildProcess;
  lines: Line[];
  ready: Promise<Line>;
  exited: Promise<number | null>;
  output(): string;
}

describe('EffectStep across processes (Postgres + sandbox provider)', () => {
  let db: TestDatabase;
  let server: Server;
  let providerUrl: string;
  const customers = new Map<string, { name: string }>();
  const requests: ProviderRequest[] = [];
  /** How long the sandbox takes to answer a create (it has applied the create before it answers). */
  let createDelayMs = 0;
  /** Creates whose answer never comes (a call cut off by a kill -9). */
  let holdCreates = false;
  const held: ServerResponse[] = [];
  const children = new Set<ChildProcess>();

  beforeAll(async () => {
    db = await createTestDatabase();
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://sandbox');
      const pid = String(req.headers['x-pid'] ?? '');
      if (req.method === 'GET') {
        const name = url.searchParams.get('name') ?? '';
        requests.push({ method: 'GET', pid, name });
        const found = customers.get(name);
        res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(found ?? { error: 'not found' }));
        return;
      }
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const { name } = JSON.parse(body) as { name: string };
        requests.push({ method: 'POST', pid, name });
        // Like ERPNext's autoname: a second create of the same name would make "Name - 1".
        const stored = customers.has(name) ? `${name} - ${requests.filter((r) => r.method === 'POST' && r.name === name).length - 1}` : name;
        customers.set(stored, { name: stored });
        if (holdCreates) {
          held.push(res);
          return;
        }
        setTimeout(() => res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ name: stored })), createDelayMs);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    providerUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    for (const res of held) res.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await db?.drop();
  });

  function startWorker(command: MessageOf<'erp.customer.create'>, env: Record<string, string>): Worker {
    const child = spawn(process.execPath, [WORKER], {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: db.url, PROVIDER_URL: providerUrl, COMMAND_JSON: JSON.stringify(command), ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.add(child);
    let output = '';
    const lines: Line[] = [];
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve)).finally(() => children.delete(child));
    const ready = new Promise<Line>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (text) => {
        output += `${text}\n`;
        try {
          const line = JSON.parse(text) as Line;
          lines.push(line);
          if (line.ready) resolve(line);
        } catch {
          // a log line, not a report
        }
      });
      void exited.then((code) => reject(new Error(`worker exited with ${code} before it was ready:\n${output.slice(-3000)}`)));
    });
    return { child, lines, ready, exited, output: () => output };
  }

  const command = (name: string) => createMessage('erp.customer.create', { customerName: `${name} ${Date.now()}`, customerType: 'Company' }, { tenantId: 't1' });
  const posts = (name: string) => requests.filter((r) => r.method === 'POST' && r.name === name);
  const finalOutcome = (w: Worker) => w.lines.filter((l) => l.outcome !== undefined).at(-1);

  it('the same command delivered to two processes at once has one effect; the other delivery is deferred, then acknowledged', async () => {
    createDelayMs = 1_500;
    holdCreates = false;
    const c = command('Twice');
    const workers = [startWorker(c, { LEASE_MS: '3000', WAIT_FOR_GO: '1' }), startWorker(c, { LEASE_MS: '3000', WAIT_FOR_GO: '1' })];
    const owners = (await Promise.all(workers.map((w) => w.ready))).map((l) => l.owner);
    expect(new Set(owners).size).toBe(2);
    for (const w of workers) w.child.stdin!.write('go\n');
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);

    const outcomes = workers.map((w) => w.lines.filter((l) => l.outcome !== undefined).map((l) => l.outcome));
    // One did the work; the other found its claim live (CommandClaimedError → redelivered after the lease's rest) and
    // then found the command processed. It never reached the provider.
    // (A loser started more than the 1.5 s call late would find the command processed at once: no deferral then.)
    const [winner, loser] = outcomes[0]!.includes('done') ? outcomes : [outcomes[1]!, outcomes[0]!];
    expect(winner).toEqual(['done']);
    expect(loser!.at(-1)).toBe('duplicate');
    expect(loser!.slice(0, -1).every((o) => o === 'deferred')).toBe(true);
    process.stdout.write(`effect-step two processes: ${JSON.stringify(outcomes)}\n`);
    expect(posts(c.payload.customerName)).toHaveLength(1);
    expect(requests.filter((r) => r.name === c.payload.customerName)).toHaveLength(2); // the winner's look-up and create
    expect(await db.prisma.processedMessage.count({ where: { messageId: c.id } })).toBe(1);
    expect(await db.prisma.effectLedger.count({ where: { commandId: c.id } })).toBe(1);
    expect(await outboxCausedBy(db, c.id)).toHaveLength(1);
    expect(await db.prisma.commandClaim.count({ where: { messageId: c.id } })).toBe(0);
  }, 30_000);

  it('a process kill -9ed mid-call: after its lease runs out another process takes the command over and completes it once', async () => {
    createDelayMs = 0;
    holdCreates = true;
    const c = command('Crash');
    const name = c.payload.customerName;
    const first = startWorker(c, { LEASE_MS: '2000' });
    // The replica that gets the redelivery is up already (as it would be): it starts on "go".
    const second = startWorker(c, { LEASE_MS: '2000', WAIT_FOR_GO: '1' });
    const [{ owner: firstOwner }] = await Promise.all([first.ready, second.ready]);
    // The create reached the provider (and took effect there); its answer never comes: kill -9 now.
    await waitUntil(() => posts(name).length === 1, 15_000, 'the first process to call create');
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    const killedAt = Date.now();
    holdCreates = false;

    // The dead process's claim is still there, its lease running out (no heartbeat extends it any more).
    const orphan = await db.prisma.commandClaim.findUnique({ where: { consumer_messageId: { consumer: 'erp-worker', messageId: c.id } } });
    expect(orphan).toMatchObject({ owner: firstOwner, attempts: 1 });
    expect(await db.prisma.processedMessage.count({ where: { messageId: c.id } })).toBe(0);

    second.child.stdin!.write('go\n');
    expect(await second.exited).toBe(0);
    const completedAfterMs = Date.now() - killedAt;
    const outcomes = second.lines.filter((l) => l.outcome !== undefined);
    // Redelivered at once (the broker saw the connection drop): deferred while the lease lives, then taken over.
    expect(outcomes[0]).toMatchObject({ outcome: 'deferred', code: 'COMMAND_CLAIMED' });
    expect(outcomes.slice(0, -1).every((l) => l.outcome === 'deferred')).toBe(true);
    expect(completedAfterMs).toBeLessThan(2_000 + 5_000);
    expect(finalOutcome(second)).toMatchObject({ outcome: 'done', existed: true, erpName: name, attempt: 2 });

    expect(posts(name)).toHaveLength(1);
    expect([...customers.keys()].filter((k) => k.startsWith(name))).toEqual([name]);
    expect(await db.prisma.processedMessage.count({ where: { messageId: c.id } })).toBe(1);
    const ledger = await db.prisma.effectLedger.findMany({ where: { commandId: c.id } });
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ outcome: 'existed', externalRef: name });
    expect(await outboxCausedBy(db, c.id)).toHaveLength(1);
    expect(await db.prisma.commandClaim.count({ where: { messageId: c.id } })).toBe(0);
    process.stdout.write(`effect-step kill -9: completed ${completedAfterMs} ms after the kill (lease 2000 ms), deliveries of the second process: ${outcomes.map((l) => l.outcome).join(' → ')}\n`);
  }, 30_000);
});
