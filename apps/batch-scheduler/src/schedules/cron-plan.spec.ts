import { nextTickAfter, parseCron, planTick, type ScheduleTiming } from './cron-plan';

const at = (iso: string) => new Date(iso);
const iso = (dates: readonly Date[]) => dates.map((d) => d.toISOString());
const timing = (over: Partial<ScheduleTiming>): ScheduleTiming => ({ cron: '0 * * * *', timezone: 'UTC', missedRunPolicy: 'skip', nextRunAt: null, ...over });
const GRACE = 60_000;

describe('cron plan: next tick', () => {
  it('computes ticks in the schedule time zone, across both DST changes of Europe/Berlin', () => {
    const daily = parseCron('30 2 * * *', 'Europe/Berlin');
    // 29 March 2026: 02:30 does not exist (clocks jump 02:00 → 03:00): croner fires at 03:30 CEST = 01:30Z, once.
    expect(nextTickAfter(daily, at('2026-03-28T12:00:00Z'))?.toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(nextTickAfter(daily, at('2026-03-29T01:30:00Z'))?.toISOString()).toBe('2026-03-30T00:30:00.000Z');
    // 25 October 2026: 02:30 happens twice; the schedule fires once, at the first (CEST, 00:30Z).
    expect(nextTickAfter(daily, at('2026-10-24T12:00:00Z'))?.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(nextTickAfter(daily, at('2026-10-25T00:30:00Z'))?.toISOString()).toBe('2026-10-26T01:30:00.000Z');
    // New York's 9:00 is 14:00Z in winter and 13:00Z in summer.
    const nine = parseCron('0 9 * * 1-5', 'America/New_York');
    expect(nextTickAfter(nine, at('2026-03-06T00:00:00Z'))?.toISOString()).toBe('2026-03-06T14:00:00.000Z');
    expect(nextTickAfter(nine, at('2026-03-09T00:00:00Z'))?.toISOString()).toBe('2026-03-09T13:00:00.000Z');
  });

  it('takes 6 fields as seconds first, and refuses bad expressions and unknown time zones with stable codes', () => {
    expect(nextTickAfter(parseCron('*/2 * * * * *', 'UTC'), at('2026-01-01T00:00:05.500Z'))?.toISOString()).toBe('2026-01-01T00:00:06.000Z');
    expect(() => parseCron('61 * * * *', 'UTC')).toThrow(expect.objectContaining({ code: 'INVALID_CRON', message: expect.stringContaining('minute: 61') }));
    expect(() => parseCron('* * *', 'UTC')).toThrow(expect.objectContaining({ code: 'INVALID_CRON' }));
    expect(() => parseCron('* * * * * * *', 'UTC')).toThrow(expect.objectContaining({ code: 'INVALID_CRON' }));
    expect(() => parseCron('* * * * *', 'Mars/Olympus_Mons')).toThrow(expect.objectContaining({ code: 'INVALID_TIMEZONE' }));
  });
});

describe('cron plan: due ticks and missed runs', () => {
  it('a new schedule gets its next tick and fires nothing; a schedule not yet due is left alone', () => {
    expect(planTick(timing({}), at('2026-01-01T05:10:00Z'), GRACE)).toEqual({ fire: [], nextRunAt: at('2026-01-01T06:00:00Z') });
    expect(planTick(timing({ nextRunAt: at('2026-01-01T06:00:00Z') }), at('2026-01-01T05:59:59Z'), GRACE)).toBeNull();
  });

  it('fires a tick that is due now or a little late, and moves to the next one after now', () => {
    const plan = planTick(timing({ nextRunAt: at('2026-01-01T06:00:00Z') }), at('2026-01-01T06:00:00.400Z'), GRACE);
    expect(iso(plan!.fire)).toEqual(['2026-01-01T06:00:00.000Z']);
    expect(plan!.nextRunAt?.toISOString()).toBe('2026-01-01T07:00:00.000Z');
    const late = planTick(timing({ nextRunAt: at('2026-01-01T06:00:00Z') }), at('2026-01-01T06:00:59Z'), GRACE);
    expect(iso(late!.fire)).toEqual(['2026-01-01T06:00:00.000Z']);
  });

  it('skip: after an outage, no run for missed ticks; the next future tick only', () => {
    const plan = planTick(timing({ nextRunAt: at('2026-01-01T01:00:00Z') }), at('2026-01-01T05:30:00Z'), GRACE);
    expect(plan).toEqual({ fire: [], nextRunAt: at('2026-01-01T06:00:00Z') });
  });

  it('catch_up_once: exactly one run, for the latest missed tick', () => {
    const plan = planTick(timing({ missedRunPolicy: 'catch_up_once', nextRunAt: at('2026-01-01T01:00:00Z') }), at('2026-01-01T05:30:00Z'), GRACE);
    expect(plan).toEqual({ fire: [at('2026-01-01T05:00:00Z')], nextRunAt: at('2026-01-01T06:00:00Z') });
  });

  it('ticks missed before an on-time tick (a fail-over on a 2-second schedule): skip fires the current tick only; catch_up_once adds the latest missed', () => {
    const every2s = { cron: '*/2 * * * * *', nextRunAt: at('2026-01-01T00:00:02Z') };
    const now = at('2026-01-01T00:00:08.300Z');
    expect(iso(planTick(timing({ ...every2s }), now, 1_000)!.fire)).toEqual(['2026-01-01T00:00:08.000Z']);
    expect(iso(planTick(timing({ ...every2s, missedRunPolicy: 'catch_up_once' }), now, 1_000)!.fire)).toEqual(['2026-01-01T00:00:06.000Z', '2026-01-01T00:00:08.000Z']);
    // Only the due tick itself missed: catch_up_once fires it and the current one.
    const two = planTick(timing({ ...every2s, missedRunPolicy: 'catch_up_once', nextRunAt: at('2026-01-01T00:00:06Z') }), now, 1_000);
    expect(iso(two!.fire)).toEqual(['2026-01-01T00:00:06.000Z', '2026-01-01T00:00:08.000Z']);
    expect(planTick(timing({ ...every2s }), now, 1_000)!.nextRunAt?.toISOString()).toBe('2026-01-01T00:00:10.000Z');
  });

  it('a day-long outage across a DST change in the schedule zone: catch_up_once fires the latest local 02:30 once', () => {
    const plan = planTick(
      timing({ cron: '30 2 * * *', timezone: 'Europe/Berlin', missedRunPolicy: 'catch_up_once', nextRunAt: at('2026-10-24T00:30:00Z') }),
      at('2026-10-25T12:00:00Z'),
      GRACE,
    );
    expect(plan).toEqual({ fire: [at('2026-10-25T00:30:00Z')], nextRunAt: at('2026-10-26T01:30:00Z') });
  });
});
