import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SandboxFaults } from './sandbox-faults';

export interface SandboxRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface SandboxResponse {
  status: number;
  /** Serialized as JSON unless `raw` is given. */
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

export interface SandboxRequestRecord {
  at: Date;
  method: string;
  path: string;
  /** null while the request hangs or when its connection was reset. */
  status: number | null;
}

export interface SandboxServerOptions {
  /** For ratio-based faults (errorRatio, resetRatio); inject for deterministic tests. */
  random?: () => number;
  /** Timestamps request records; providers use it for rate-limit windows so tests can move time. */
  now?: () => Date;
  /** Bodies are truncated beyond this (default 1 MiB), so a runaway client cannot exhaust memory. */
  maxBodyBytes?: number;
}

/**
 * The HTTP plumbing every provider sandbox shares: start on a port (0 = ephemeral), stop (releasing hung
 * requests), a request log, fault injection before routing, JSON responses. A provider implements `handle`
 * and keeps its own side-effect ledger.
 */
export abstract class SandboxServer {
  readonly requests: SandboxRequestRecord[] = [];
  readonly faults: SandboxFaults;
  private server?: Server;
  private readonly hung = new Set<ServerResponse>();
  /** Private under an unlikely name so subclasses can keep their own `now`. */
  private readonly recordClock: () => Date;
  private readonly maxBodyBytes: number;

  protected constructor(options: SandboxServerOptions = {}) {
    this.faults = new SandboxFaults(options.random);
    this.recordClock = options.now ?? (() => new Date());
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  }

  /** Answers one request after faults were applied. */
  protected abstract handle(request: SandboxRequest): Promise<SandboxResponse> | SandboxResponse;

  /** The body of an injected failure (provider-specific shapes welcome). */
  protected faultResponse(status: number, retryAfter?: string): SandboxResponse {
    return { status, body: { error: status === 429 ? 'rate limited' : 'unavailable' }, headers: retryAfter ? { 'retry-after': retryAfter } : {} };
  }

  async start(port = 0, host = '127.0.0.1'): Promise<{ url: string }> {
    if (this.server) throw new Error(`${this.constructor.name} already started`);
    const server = createServer((req, res) => {
      this.dispatch(req, res).catch((error: unknown) => {
        if (!res.headersSent) this.write(res, { status: 500, body: { error: error instanceof Error ? error.message : String(error) } });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    return { url: this.url };
  }

  get url(): string {
    if (!this.server) throw new Error(`${this.constructor.name} not started`);
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const res of this.hung) res.destroy();
    this.hung.clear();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Forgets the request log and faults; subclasses also clear their state and ledger. */
  reset(): void {
    this.requests.length = 0;
    this.faults.clear();
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const record: SandboxRequestRecord = { at: this.recordClock(), method: (req.method ?? 'GET').toUpperCase(), path: url.pathname, status: null };
    this.requests.push(record);
    res.on('finish', () => (record.status = res.statusCode));

    const fault = this.faults.take(url.pathname);
    if (fault.kind === 'hang') {
      this.hung.add(res);
      res.on('close', () => this.hung.delete(res));
      return;
    }
    if (fault.latencyMs > 0) await new Promise((r) => setTimeout(r, fault.latencyMs));
    if (fault.kind === 'reset') {
      // An RST, not a FIN: the client sees ECONNRESET, as when a load balancer or a crashed peer drops it.
      req.socket.resetAndDestroy();
      return;
    }
    if (fault.kind === 'fail') return this.write(res, this.faultResponse(fault.status, fault.retryAfter));

    const body = await readBody(req, this.maxBodyBytes);
    this.write(res, await this.handle({ method: record.method, url, headers: req.headers, body }));
  }

  private write(res: ServerResponse, response: SandboxResponse): void {
    // The client may have gone (timeout, abort) or the sandbox stopped while the handler ran.
    if (res.headersSent || res.destroyed) return;
    const text = response.raw ?? (response.body === undefined ? '' : JSON.stringify(response.body));
    const type = response.raw === undefined && response.body !== undefined ? { 'content-type': 'application/json; charset=utf-8' } : {};
    res.writeHead(response.status, { ...type, ...response.headers });
    res.end(text);
  }
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) break;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
