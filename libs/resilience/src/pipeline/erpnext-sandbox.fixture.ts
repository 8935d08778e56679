/**
 * Spec support: the pipeline against the real ErpNextClient and ERPNext sandbox on an ephemeral port.
 * Imported by specs only (resilience must not depend on connectors at runtime).
 */
import { ErpNextClient, ErpNextSandbox } from '@junction/connectors/erpnext';
import type { BreakerState, CallAttemptRecord, CallObserver } from '../telemetry/call-observer';
import type { PipelineAttempt } from './pipeline-attempt';
import { DEFAULT_POLICY, mergePolicy, type PolicyOverride } from './provider-policies';
import { ResiliencePipeline, type ResiliencePipelineOptions } from './resilience.pipeline';
import type { CallContext, ResiliencePolicy } from './resilience.types';

export class RecordingObserver implements CallObserver {
  readonly attempts: CallAttemptRecord[] = [];
  readonly changes: { from: BreakerState; to: BreakerState }[] = [];
  onAttempt(record: CallAttemptRecord): void {
    this.attempts.push(record);
  }
  onBreakerStateChange(change: { from: BreakerState; to: BreakerState }): void {
    this.changes.push({ from: change.from, to: change.to });
  }
}

export async function startErpNext(user?: string): Promise<{ sandbox: ErpNextSandbox; client: ErpNextClient }> {
  const sandbox = new ErpNextSandbox({ user });
  await sandbox.start();
  const client = new ErpNextClient({ baseUrl: sandbox.url, apiKey: 'sandbox-key', apiSecret: 'sandbox-secret' });
  return { sandbox, client };
}

/** Fast, deterministic-enough policy for specs: small backoffs, no limits. */
export function testPolicy(override: PolicyOverride = {}): ResiliencePolicy {
  return mergePolicy(
    { ...DEFAULT_POLICY, rateLimits: [] },
    {
      ...override,
      timeouts: { attemptMs: 2_000, totalMs: 10_000, ...override.timeouts },
      retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, ...override.retry },
      breaker: { enabled: true, errorThresholdPercentage: 50, volumeThreshold: 5, rollingWindowMs: 10_000, resetTimeoutMs: 1_000, ...override.breaker },
    },
  );
}

export function pipelineFor(policy: ResiliencePolicy, extra: Partial<ResiliencePipelineOptions> = {}): { pipeline: ResiliencePipeline; observer: RecordingObserver } {
  const observer = new RecordingObserver();
  const pipeline = new ResiliencePipeline({ provider: 'erpnext', connection: 'default', policy, observer, ...extra });
  return { pipeline, observer };
}

export const ctx = (extra: Partial<CallContext> = {}): CallContext => ({ provider: 'erpnext', connection: 'default', operation: 'getLoggedUser', ...extra });

export const loggedUser = (client: ErpNextClient) => (attempt: PipelineAttempt) => client.getLoggedUser({ signal: attempt.signal });

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
