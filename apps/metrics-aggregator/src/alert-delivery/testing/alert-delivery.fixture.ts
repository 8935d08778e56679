import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoggerService } from '@nestjs/common';
import type { PrismaService } from '@junction/persistence';

/** A test key ring (32 zero-ish bytes): the vault needs one; nothing here is production key material. */
export const TEST_KEK = `test:${Buffer.alloc(32, 9).toString('base64')}`;

let seq = 0;

/**
 * An Alert and one AlertDelivery per channel, as the rules' transaction writes them (the rules helper works in
 * parallel, so the tests insert the rows themselves).
 */
export async function insertAlertWithDeliveries(prisma: PrismaService, tenantId: string, channelIds: readonly string[], event: 'fired' | 'resolved' = 'fired') {
  seq++;
  const alert = await prisma.alert.create({
    data: {
      tenantId,
      rule: 'error_rate',
      subject: `erpnext/conn-${seq}`,
      openKey: event === 'fired' ? `${tenantId}|error_rate|erpnext/conn-${seq}|${Date.now()}` : null,
      status: event === 'fired' ? 'firing' : 'resolved',
      severity: 'critical',
      summary: `error rate 23% on conn-${seq}`,
      value: 0.23,
      threshold: 0.1,
      labels: { provider: 'erpnext' },
      ...(event === 'resolved' ? { resolvedAt: new Date() } : {}),
    },
  });
  const deliveries = [];
  for (const channelId of channelIds) deliveries.push(await prisma.alertDelivery.create({ data: { alertId: alert.id, channelId, event } }));
  return { alert, deliveries };
}

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
  at: number;
}

/** A webhook receiver answering from a script (status, headers) and then 200; records every request. */
export class ScriptedReceiver {
  readonly received: ReceivedRequest[] = [];
  private script: { status: number; headers?: Record<string, string>; body?: string }[] = [];
  private server?: Server;

  answer(...steps: { status: number; headers?: Record<string, string>; body?: string }[]): void {
    this.script = steps;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const step = this.script.shift() ?? { status: 200, body: 'ok' };
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status: step.status, at: Date.now() });
        res.writeHead(step.status, { 'content-type': 'text/plain', ...step.headers });
        res.end(step.body ?? '');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/alerts`;
  }

  reset(): void {
    this.received.length = 0;
    this.script = [];
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Captures what Nest's static Logger is given (Logger.overrideLogger), to assert no secret was logged. */
export function capturingLogger(lines: string[]): LoggerService {
  const write = (...args: unknown[]) => void lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  return { log: write, error: write, warn: write, debug: write, verbose: write, fatal: write };
}
