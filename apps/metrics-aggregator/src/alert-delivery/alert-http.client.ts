import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Dispatcher } from 'undici';
import { request } from 'undici';
import { classifyTransportFailure, parseRetryAfter, providerDispatcher } from '@junction/resilience';
import type { SendResult } from './delivery-outcome';

/** The receiver's answer quoted in lastError is cut here: enough for Slack's codes and a short error JSON. */
const DETAIL_CHARS = 200;

export interface AlertHttpClientOptions {
  /** Whole exchange (connect, headers, body) per attempt. */
  timeoutMs: number;
  connectMs?: number;
}

/**
 * POSTs one alert message: JSON body, the caller's headers, no redirects (a signed body must not be replayed to
 * another host), one attempt bounded by `timeoutMs`. Never throws: the answer or the failure is a SendResult for
 * `decide`. Its details may quote the peer, so callers redact their secrets from them.
 */
@Injectable()
export class AlertHttpClient implements OnApplicationShutdown {
  private readonly dispatcher: Dispatcher;

  constructor(private readonly options: AlertHttpClientOptions) {
    this.dispatcher = providerDispatcher({ connectMs: options.connectMs ?? Math.min(5_000, options.timeoutMs), connections: 16 });
  }

  async post(url: string, body: string, headers: Record<string, string>): Promise<SendResult> {
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    try {
      const res = await request(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'user-agent': 'Junction-Alerts/1.0', ...headers },
        dispatcher: this.dispatcher,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const text = (await res.body.text()).slice(0, DETAIL_CHARS * 4);
      return { kind: 'response', status: res.statusCode, retryAfterMs: parseRetryAfter(res.headers['retry-after']), detail: oneLine(text).slice(0, DETAIL_CHARS), latencyMs: latency() };
    } catch (error: unknown) {
      const { errorClass, detail } = classifyTransportFailure(error, this.options.timeoutMs);
      return { kind: 'transport', errorClass, detail: oneLine(detail).slice(0, DETAIL_CHARS), latencyMs: latency() };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dispatcher.close();
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
