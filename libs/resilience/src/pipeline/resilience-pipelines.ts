/**
 * One pipeline (and so one breaker and one rate-limit key) per provider + connection, created on first use
 * from the provider's default policy and the connection's override.
 */
import type { RateLimiter } from '../rate-limit/rate-limiter.port';
import type { CallObserver } from '../telemetry/call-observer';
import type { PipelineCall } from './pipeline-attempt';
import { DEFAULT_POLICY, mergePolicy, PROVIDER_POLICIES, type PolicyOverride } from './provider-policies';
import { ResiliencePipeline } from './resilience.pipeline';
import type { CallContext, CallOutcome, ResiliencePolicy } from './resilience.types';

export interface ResiliencePipelinesOptions {
  readonly limiter?: RateLimiter;
  readonly observer?: CallObserver;
  /** Per-provider defaults (default: PROVIDER_POLICIES). */
  readonly policies?: Readonly<Record<string, ResiliencePolicy>>;
  /** Keyed by provider ("shopify") or provider/connection ("shopify/acme-plus"); the latter applies last. */
  readonly overrides?: Readonly<Record<string, PolicyOverride>>;
  readonly maxRateLimitWaitMs?: number;
  readonly cacheSize?: number;
}

export class ResiliencePipelines {
  /**
   * provider → connection → pipeline. Two lookups instead of one on `${provider}/${connection}`: building
   * and hashing that string on every call cost more than the lookups.
   */
  private readonly pipelines = new Map<string, Map<string, ResiliencePipeline>>();

  constructor(private readonly options: ResiliencePipelinesOptions = {}) {}

  get(provider: string, connection = 'default'): ResiliencePipeline {
    let connections = this.pipelines.get(provider);
    if (!connections) {
      connections = new Map();
      this.pipelines.set(provider, connections);
    }
    let pipeline = connections.get(connection);
    if (!pipeline) {
      pipeline = new ResiliencePipeline({
        provider,
        connection,
        policy: this.policyFor(provider, connection),
        limiter: this.options.limiter,
        observer: this.options.observer,
        maxRateLimitWaitMs: this.options.maxRateLimitWaitMs,
        cacheSize: this.options.cacheSize,
        alternative: (alt) => this.get(provider, alt),
      });
      connections.set(connection, pipeline);
    }
    return pipeline;
  }

  policyFor(provider: string, connection: string): ResiliencePolicy {
    const base = (this.options.policies ?? PROVIDER_POLICIES)[provider] ?? DEFAULT_POLICY;
    const overrides = this.options.overrides ?? {};
    return mergePolicy(mergePolicy(base, overrides[provider]), overrides[`${provider}/${connection}`]);
  }

  execute<T>(ctx: CallContext, call: PipelineCall<T>): Promise<CallOutcome<T>> {
    return this.get(ctx.provider, ctx.connection).execute(ctx, call);
  }

  run<T>(ctx: CallContext, call: PipelineCall<T>): Promise<T> {
    return this.get(ctx.provider, ctx.connection).run(ctx, call);
  }

  /** Stops every breaker's timers. */
  close(): void {
    for (const connections of this.pipelines.values()) for (const pipeline of connections.values()) pipeline.breaker.shutdown();
    this.pipelines.clear();
  }
}
