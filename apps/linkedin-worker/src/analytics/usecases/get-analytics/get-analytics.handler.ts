import { Injectable } from '@nestjs/common';
import { MAX_ANALYTICS_INTERVALS, type MessageOf } from '@junction/contracts';
import type { LinkedInShareStatistics } from '@junction/connectors/linkedin';
import { CommandStep } from '@junction/messaging';
import { organizationUrn } from '@junction/connectors/linkedin';
import { LinkedInCalls, organizationOf } from '../../../linkedin/linkedin-calls';
import { LinkedInConnections } from '../../../linkedin/linkedin-connections';

type GetCommand = MessageOf<'linkedin.analytics.get'>;

const COUNTS = ['impressionCount', 'uniqueImpressionsCount', 'clickCount', 'likeCount', 'commentCount', 'shareCount', 'shareMentionsCount', 'commentMentionsCount'] as const;

/**
 * linkedin.analytics.get → the organization's share statistics for a timeframe (one element per DAY/MONTH interval)
 * or lifetime. `timeBound` is false when LinkedIn answered lifetime totals (the sandbox ignores timeIntervals). The
 * event carries the totals and at most MAX_ANALYTICS_INTERVALS intervals (the newest), with the number left out.
 */
@Injectable()
export class GetAnalyticsHandler {
  constructor(
    private readonly commands: CommandStep,
    private readonly linkedin: LinkedInConnections,
    private readonly calls: LinkedInCalls,
  ) {}

  async execute(command: GetCommand): Promise<void> {
    const { timeframe } = command.payload;
    await this.commands.run(command, {
      provider: 'linkedin',
      operation: 'analytics.get',
      naturalKey: `organization:${command.payload.organizationId ?? 'default'}:${timeframe ? `${timeframe.from}/${timeframe.to}` : 'lifetime'}`,
      effect: async ({ signal }) => {
        const target = await this.linkedin.forCommand(command);
        const id = organizationOf(command.payload.organizationId, target, 'analytics.get');
        const range = timeframe ? { start: Date.parse(timeframe.from), end: Date.parse(timeframe.to), granularity: timeframe.granularity } : undefined;
        const result = await this.calls.run(command, target, 'shareStatistics', signal, (o) => target.client.shareStatistics(id, range, o));
        return { urn: organizationUrn(id), ...result };
      },
      succeeded: (r) => {
        const bound = r.elements.filter((e) => e.timeRange !== undefined).sort((a, b) => a.timeRange!.start - b.timeRange!.start);
        const kept = bound.slice(-MAX_ANALYTICS_INTERVALS);
        return {
          commandId: command.id,
          organizationUrn: r.urn,
          timeframe: timeframe ? { from: timeframe.from, to: timeframe.to, granularity: timeframe.granularity } : null,
          timeBound: r.timeBound,
          totals: sum(r.elements.map((e) => e.totals)),
          intervals: kept.map((e) => ({ start: new Date(e.timeRange!.start).toISOString(), end: new Date(e.timeRange!.end).toISOString(), statistics: pick(e.totals) })),
          intervalsOmitted: bound.length - kept.length,
        };
      },
      ledger: (r) => ({ outcome: 'read', externalRef: r.urn }),
    });
  }
}

function pick(s: LinkedInShareStatistics) {
  return { ...Object.fromEntries(COUNTS.map((k) => [k, Math.max(0, Math.trunc(s[k]))])), engagement: Math.max(0, s.engagement) } as Record<(typeof COUNTS)[number] | 'engagement', number>;
}

/** Counts add up; engagement (a rate) is recomputed from the summed counts. */
function sum(all: LinkedInShareStatistics[]) {
  const totals = Object.fromEntries(COUNTS.map((k) => [k, all.reduce((n, s) => n + Math.max(0, Math.trunc(s[k])), 0)])) as Record<(typeof COUNTS)[number], number>;
  const engagement =
    all.length === 1
      ? Math.max(0, all[0]!.engagement)
      : totals.impressionCount > 0
        ? (totals.clickCount + totals.likeCount + totals.commentCount + totals.shareCount) / totals.impressionCount
        : 0;
  return { ...totals, engagement };
}
