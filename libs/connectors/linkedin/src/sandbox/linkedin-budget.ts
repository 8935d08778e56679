/**
 * LinkedIn's daily quotas: per member and per application, counted per UTC day and reset at midnight UTC.
 * The real numbers are unpublished (visible only in the developer portal); these are configurable.
 */
export interface LinkedInDailyLimits {
  /** Calls per member per UTC day. Default 100 (the integration spec's LinkedIn budget). */
  memberPerDay: number;
  /** Calls per application per UTC day across members. Default unlimited. */
  appPerDay: number;
}

export class LinkedInDailyBudget {
  private day = '';
  private readonly members = new Map<string, number>();
  private app = 0;

  constructor(private readonly limits: LinkedInDailyLimits) {}

  /** Consumes one call, or names the quota that is exhausted (a refused call is not counted). */
  take(memberId: string, now: Date): 'ok' | 'MEMBER' | 'APPLICATION' {
    this.roll(now);
    const used = this.members.get(memberId) ?? 0;
    if (this.app >= this.limits.appPerDay) return 'APPLICATION';
    if (used >= this.limits.memberPerDay) return 'MEMBER';
    this.members.set(memberId, used + 1);
    this.app += 1;
    return 'ok';
  }

  used(memberId: string, now: Date): number {
    this.roll(now);
    return this.members.get(memberId) ?? 0;
  }

  clear(): void {
    this.day = '';
    this.members.clear();
    this.app = 0;
  }

  private roll(now: Date): void {
    const day = now.toISOString().slice(0, 10);
    if (day === this.day) return;
    this.day = day;
    this.members.clear();
    this.app = 0;
  }
}
