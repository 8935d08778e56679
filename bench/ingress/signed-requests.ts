/**
 * The load: one realistic ~1 KB Standard Webhooks event (Svix-style `invoice.paid`), signed per request with
 * a unique `webhook-id` (which is also the event id the servers deduplicate by). Every server gets exactly
 * the same requests, signed the same way, so the load generator's own cost is the same for all three.
 */
import { createHmac, randomBytes } from 'node:crypto';
import autocannon from 'autocannon';

/** `whsec_` + base64 of 24 random bytes, as Svix issues them. */
export function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** Splits around the event id so a body costs two concatenations, not a JSON.stringify, per request. */
function eventTemplate(): { head: string; tail: string } {
  const marker = '__EVENT_ID__';
  const event = {
    type: 'invoice.paid',
    timestamp: '2024-05-14T09:21:07.412Z',
    data: {
      id: marker,
      object: 'invoice',
      number: 'INV-2024-004213',
      status: 'paid',
      currency: 'eur',
      amount_due: 129_900,
      amount_paid: 129_900,
      customer: { id: 'cus_Q3kV8dN1xZ', name: 'Müller Feinmechanik GmbH', email: 'billing@mueller-feinmechanik.example', country: 'DE', vat_id: 'DE301234567' },
      lines: [
        { id: 'il_1', description: 'Integration Hub — Business plan (May 2024)', quantity: 1, unit_amount: 99_900, tax_rate: 0.19 },
        { id: 'il_2', description: 'Additional connector: ERPNext', quantity: 2, unit_amount: 15_000, tax_rate: 0.19 },
      ],
      payment: { method: 'sepa_debit', mandate: 'mdt_7hY2kLq9', paid_at: '2024-05-14T09:21:05.000Z' },
      period: { start: '2024-05-01T00:00:00.000Z', end: '2024-05-31T23:59:59.999Z' },
      metadata: { crm_account: '0015g00000XyZAbC', sales_order: 'SO-2024-01187', region: 'emea' },
    },
  };
  const [head, tail] = JSON.stringify(event).split(marker) as [string, string];
  return { head, tail };
}

const TEMPLATE = eventTemplate();

/** A sample body, for the report (its size) and for checks. */
export function sampleBody(id = 'msg_2gWQ6eJ5Y0x7s3bXo1a9cT4kLm'): string {
  return TEMPLATE.head + id + TEMPLATE.tail;
}

/**
 * The autocannon request: each call to setupRequest mints the next id (`msg_<run tag><counter>`), takes the
 * current second as timestamp and signs `${id}.${timestamp}.${body}` with HMAC-SHA256 under the secret's
 * base64-decoded key. `runTag` keeps ids unique across runs against the same database.
 */
export function signedRequest(secret: string, path: string, runTag: string): autocannon.Request {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  let counter = 0;
  return {
    method: 'POST',
    path,
    setupRequest: (request) => {
      const id = `msg_${runTag}${(counter++).toString(36)}`;
      const timestamp = String(Math.floor(Date.now() / 1000));
      const body = TEMPLATE.head + id + TEMPLATE.tail;
      const signature = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
      request.headers = {
        'content-type': 'application/json',
        'user-agent': 'Svix-Webhooks/1.24 (bench)',
        'webhook-id': id,
        'webhook-timestamp': timestamp,
        'webhook-signature': `v1,${signature}`,
      };
      request.body = body;
      return request;
    },
  };
}

export interface LoadResult {
  /** Completed responses / seconds run. */
  reqPerSec: number;
  /** From each response's time (sub-ms, not autocannon's 1 ms histogram). */
  p50Ms: number;
  p99Ms: number;
  completed: number;
  /** Written but not answered when autocannon closed its sockets at the end (the server may still commit them). */
  inFlightAtStop: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  seconds: number;
  autocannon: { reqPerSecMean: number; latencyP50Ms: number; latencyP99Ms: number; latencyMeanMs: number };
}

/** One autocannon run; latencies of every response (whatever its status) are recorded here too. */
export function runLoad(options: { url: string; connections: number; seconds: number; request: autocannon.Request }): Promise<LoadResult> {
  let latencies = new Float64Array(1 << 20);
  let n = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url: options.url, connections: options.connections, duration: options.seconds, timeout: 30, requests: [options.request] },
      (error, result) => {
        if (error) return reject(error);
        const sorted = latencies.subarray(0, n).sort();
        const at = (q: number) => (n === 0 ? NaN : sorted[Math.min(n - 1, Math.floor(q * n))]!);
        const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
        resolve({
          reqPerSec: result.requests.total / result.duration,
          p50Ms: at(0.5),
          p99Ms: at(0.99),
          completed: result.requests.total,
          inFlightAtStop: result.requests.sent - result.requests.total,
          ok2xx: result['2xx'],
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCodes,
          seconds: result.duration,
          autocannon: { reqPerSecMean: result.requests.average, latencyP50Ms: result.latency.p50, latencyP99Ms: result.latency.p99, latencyMeanMs: result.latency.average },
        });
      },
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) => {
      if (n === latencies.length) {
        const bigger = new Float64Array(latencies.length * 2);
        bigger.set(latencies);
        latencies = bigger;
      }
      latencies[n++] = responseTimeMs;
    });
  });
}
