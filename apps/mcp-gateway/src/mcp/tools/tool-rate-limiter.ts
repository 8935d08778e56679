import { Inject, Injectable } from '@nestjs/common';
import { PostgresRateLimiter, PrismaService } from '@junction/persistence';
import type { RateLimitRule } from '@junction/resilience';
import { matchesEventType } from '@junction/webhooks';
import type { ToolRateLimits } from '../../config/env';

export const TOOL_RATE_LIMITS = Symbol('TOOL_RATE_LIMITS');

export type ToolPermit = { granted: true } | { granted: false; retryAfterSeconds: number; rule: string };

/**
 * Per-tool rate limits shared by every replica (rate_limit_bucket, provider `mcp-tool`, connection = the tool): each
 * glob of MCP_TOOL_RATE_LIMITS that matches a tool is a token bucket of that tool (capacity perMinute, refilled
 * perMinute/60 per second), so a burst of perMinute calls passes and the next waits for a token.
 */
@Injectable()
export class ToolRateLimiter {
  private readonly limiter: PostgresRateLimiter;

  constructor(
    prisma: PrismaService,
    @Inject(TOOL_RATE_LIMITS) private readonly limits: ToolRateLimits,
  ) {
    this.limiter = new PostgresRateLimiter(prisma);
  }

  async take(tool: string): Promise<ToolPermit> {
    const rules: RateLimitRule[] = Object.entries(this.limits)
      .filter(([glob]) => matchesEventType(glob, tool))
      .map(([glob, { perMinute }]) => ({ kind: 'token-bucket', name: glob, capacity: perMinute, refillPerSecond: perMinute / 60 }));
    if (rules.length === 0) return { granted: true };
    const acquisition = await this.limiter.tryAcquire({ provider: 'mcp-tool', connection: tool }, rules);
    if (acquisition.granted) return { granted: true };
    return { granted: false, rule: acquisition.rule, retryAfterSeconds: Math.max(1, Math.ceil((acquisition.retryAt - Date.now()) / 1_000)) };
  }
}
