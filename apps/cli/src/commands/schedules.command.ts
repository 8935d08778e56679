import type { ScheduleView } from '../../../batch-scheduler/src/schedules/usecases/admin-schedules/admin-schedules.handler';
import { UsageError } from '../cli-errors';
import type { CommandCall, CommandSpec, OptionSpec } from './command';
import { iso, table } from './output.format';

const FIELDS: Readonly<Record<string, OptionSpec>> = {
  cron: { type: 'string', value: 'EXPR', help: 'cron expression: 5 fields (minute precision) or 6 (seconds first)' },
  timezone: { type: 'string', value: 'ZONE', help: 'IANA time zone the expression is read in (default UTC)' },
  job: { type: 'string', value: 'NAME', help: 'the job to run (junction schedules jobs)' },
  params: { type: 'string', value: 'JSON', help: "the job's params as a JSON object (default {})" },
  'missed-run-policy': { type: 'string', value: 'skip|catch_up_once', help: 'ticks missed while no leader ran: none, or one run for the latest (default skip)' },
};

const scheduler = async (call: CommandCall) => (await call.runtime.scheduler()).schedules;

/** The fields given on the command line, as the admin API's body. */
function body(call: CommandCall): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [option, field] of [['cron', 'cron'], ['timezone', 'timezone'], ['job', 'job'], ['missed-run-policy', 'missedRunPolicy'], ['name', 'name']] as const) {
    const value = call.args.string(option);
    if (value !== undefined) out[field] = value;
  }
  const params = call.args.json('params', 'the params');
  if (params !== undefined) out.params = params;
  return out;
}

function details(view: ScheduleView): string[] {
  return [
    `Schedule ${view.name} (${view.id})`,
    `  job          ${view.job} ${JSON.stringify(view.params)}`,
    `  cron         ${view.cron} (${view.timezone})`,
    `  status       ${view.enabled ? 'enabled' : 'disabled'}, missed runs: ${view.missedRunPolicy}`,
    `  next run     ${view.nextRunAt ? iso(view.nextRunAt) : '-'}`,
    `  last run     ${view.lastRunAt ? `${iso(view.lastRunAt)} (${view.lastRunId})` : '-'}`,
  ];
}

function listing(views: readonly ScheduleView[]): string[] {
  if (views.length === 0) return ['No schedules yet: add one with `junction schedules add NAME --cron EXPR --job NAME`.'];
  return table(
    ['NAME', 'JOB', 'CRON', 'ZONE', 'STATUS', 'NEXT RUN', 'LAST RUN'],
    views.map((v) => [v.name, v.job, v.cron, v.timezone, v.enabled ? 'enabled' : 'disabled', v.nextRunAt ? iso(v.nextRunAt) : '-', v.lastRunAt ? iso(v.lastRunAt) : '-']),
  );
}

const show = (view: ScheduleView) => ({ json: view, text: details(view) });

export const scheduleCommands: readonly CommandSpec[] = [
  {
    group: 'schedules',
    name: 'list',
    summary: "the tenant's cron schedules (batch-scheduler) with their next and last run",
    async run(call) {
      const views = await (await scheduler(call)).list(call.actor.tenantId);
      return { json: views, text: listing(views) };
    },
  },
  {
    group: 'schedules',
    name: 'jobs',
    summary: 'the jobs a schedule or a run can name, with their params',
    async run(call) {
      const jobs = (await call.runtime.scheduler()).runs;
      const views = jobs.jobs();
      return { json: views, text: views.flatMap((j) => [`${j.name}  ${j.description}`, `  params ${JSON.stringify(j.params)}`]) };
    },
  },
  {
    group: 'schedules',
    name: 'add',
    summary: 'add a schedule; its next run is computed at once (a leader fires it)',
    positionals: ['name'],
    options: { ...FIELDS, disabled: { type: 'boolean', help: 'add it disabled' } },
    async run(call) {
      const [name] = call.args.positionals;
      if (!call.args.string('cron') || !call.args.string('job')) throw new UsageError('schedules add needs --cron and --job');
      return show(await (await scheduler(call)).create(call.actor.tenantId, { ...body(call), name, enabled: !call.args.flag('disabled') }));
    },
  },
  {
    group: 'schedules',
    name: 'update',
    summary: 'change a schedule (by name or id); the next run is computed again',
    positionals: ['schedule'],
    options: { ...FIELDS, name: { type: 'string', value: 'NAME', help: 'rename it' } },
    async run(call) {
      const patch = body(call);
      if (Object.keys(patch).length === 0) throw new UsageError('nothing to change: give --cron, --timezone, --job, --params, --missed-run-policy or --name');
      return show(await (await scheduler(call)).update(call.actor.tenantId, call.args.positionals[0]!, patch));
    },
  },
  {
    group: 'schedules',
    name: 'enable',
    summary: 'enable a schedule (its next run is the first tick from now: nothing missed is run)',
    positionals: ['schedule'],
    async run(call) {
      return show(await (await scheduler(call)).update(call.actor.tenantId, call.args.positionals[0]!, { enabled: true }));
    },
  },
  {
    group: 'schedules',
    name: 'disable',
    summary: 'disable a schedule (runs already queued or running go on)',
    positionals: ['schedule'],
    async run(call) {
      return show(await (await scheduler(call)).update(call.actor.tenantId, call.args.positionals[0]!, { enabled: false }));
    },
  },
  {
    group: 'schedules',
    name: 'remove',
    summary: 'delete a schedule; its runs stay as history',
    positionals: ['schedule'],
    async run(call) {
      const ref = call.args.positionals[0]!;
      await (await scheduler(call)).remove(call.actor.tenantId, ref);
      return { json: { removed: ref }, text: [`Removed schedule ${ref}.`] };
    },
  },
  {
    group: 'schedules',
    name: 'run',
    summary: "run a schedule's job now, outside its cron (queued for the leader; follow it with junction runs watch)",
    positionals: ['schedule'],
    async run(call) {
      const run = await (await scheduler(call)).runNow(call.actor.tenantId, call.args.positionals[0]!);
      return { json: run, text: [`Queued run ${run.id} (${run.job}).`, `  follow it: junction runs watch ${run.id}`] };
    },
  },
];
