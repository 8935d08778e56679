import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { type BeforeApplicationShutdown, type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { PrismaService } from '@junction/persistence';
import { ApiKeyGuard, ApiKeyService } from '@junction/webhooks';
import { BATCH_JOBS, type BatchJob, type BatchJobRegistry } from '../jobs/batch-job';
import { mergeJobRegistries, SCHEDULER_JOBS } from '../registry/batch-jobs.module';
import { JobCatalog } from '../registry/job-catalog';
import { BatchRunRepository } from '../runs/batch-run.repository';
import { BatchRunsController, JobsController } from '../runs/batch-runs.controller';
import { AdminRunsHandler } from '../runs/usecases/admin-runs/admin-runs.handler';
import { ExecuteRunHandler } from '../runs/usecases/execute-run/execute-run.handler';
import { ScheduleRepository } from '../schedules/schedule.repository';
import { SchedulesController } from '../schedules/schedules.controller';
import { AdminSchedulesHandler } from '../schedules/usecases/admin-schedules/admin-schedules.handler';
import { FireDueSchedulesHandler } from '../schedules/usecases/fire-due-schedules/fire-due-schedules.handler';
import { LeaderElector } from './leader.elector';
import { SchedulerHealthController } from './scheduler-health.controller';
import { SchedulerLoop } from './scheduler.loop';

export interface SchedulerSettings {
  databaseUrl: string;
  /** false: no leadership, no ticks, no runs here (admin API only). */
  enabled: boolean;
  tickMs: number;
  leaderRetryMs: number;
  misfireGraceMs: number;
  concurrency: number;
  leaseMs: number;
  /** The advisory lock's name (tests give each scheduler set its own). */
  lockName?: string;
  /** This process's lease owner id (default host:pid:random). */
  owner?: string;
}

export const SCHEDULER_LOCK = 'junction:batch-scheduler:leader';
const SETTINGS = Symbol('SCHEDULER_SETTINGS');
/** What the scheduler runs: BATCH_JOBS (when the jobs module is there) and SCHEDULER_JOBS together. */
const ALL_JOBS = Symbol('ALL_BATCH_JOBS');

/** Starts competing for leadership once the app is up; at shutdown stops firing, releases its runs, then the lock. */
@Injectable()
export class SchedulerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private elector?: LeaderElector;

  constructor(
    private readonly loop: SchedulerLoop,
    @Inject(SETTINGS) private readonly settings: SchedulerSettings,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.settings.enabled) return;
    this.elector = new LeaderElector(
      { databaseUrl: this.settings.databaseUrl, lockName: this.settings.lockName ?? SCHEDULER_LOCK, retryMs: this.settings.leaderRetryMs, checkMs: this.settings.leaderRetryMs },
      this.loop,
    );
    this.loop.attach(this.elector);
    this.elector.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Demote first (no more ticks, runs aborted and released), and only then unlock: a follower that takes over
    // finds the runs released, not still leased to us.
    this.loop.demoted();
    await this.loop.drain();
    await this.elector?.stop();
  }
}

/**
 * Cron schedules, the leader, the BatchRun lifecycle, and the admin API (/schedules, /jobs, /batch-runs,
 * /health/scheduler). Runs BATCH_JOBS (the jobs module, global) together with the jobs of `jobs` (BatchJobsModule).
 */
@Module({})
export class SchedulerModule {
  static forRoot(settings: SchedulerSettings, jobs: DynamicModule): DynamicModule {
    const owner = settings.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    return {
      module: SchedulerModule,
      imports: [jobs],
      controllers: [SchedulesController, BatchRunsController, JobsController, SchedulerHealthController],
      providers: [
        { provide: SETTINGS, useValue: settings },
        ApiKeyService,
        ApiKeyGuard,
        { provide: BatchRunRepository, inject: [PrismaService], useFactory: (prisma: PrismaService) => new BatchRunRepository(prisma) },
        { provide: ScheduleRepository, inject: [PrismaService], useFactory: (prisma: PrismaService) => new ScheduleRepository(prisma) },
        {
          provide: ALL_JOBS,
          inject: [{ token: BATCH_JOBS, optional: true }, { token: SCHEDULER_JOBS, optional: true }],
          useFactory: (registry?: BatchJobRegistry, extra?: BatchJob[]) => mergeJobRegistries(registry, extra),
        },
        { provide: JobCatalog, inject: [ALL_JOBS], useFactory: (registry: BatchJobRegistry) => new JobCatalog(registry) },
        { provide: AdminSchedulesHandler, inject: [ScheduleRepository, BatchRunRepository, JobCatalog], useFactory: (s: ScheduleRepository, r: BatchRunRepository, j: JobCatalog) => new AdminSchedulesHandler(s, r, j) },
        { provide: AdminRunsHandler, inject: [BatchRunRepository, JobCatalog], useFactory: (r: BatchRunRepository, j: JobCatalog) => new AdminRunsHandler(r, j) },
        {
          provide: SchedulerLoop,
          inject: [ScheduleRepository, BatchRunRepository, ALL_JOBS],
          useFactory: (schedules: ScheduleRepository, runs: BatchRunRepository, registry: BatchJobRegistry) =>
            new SchedulerLoop(new FireDueSchedulesHandler(schedules, settings.misfireGraceMs), runs, new ExecuteRunHandler(runs, registry, { owner, leaseMs: settings.leaseMs }), {
              owner,
              tickMs: settings.tickMs,
              concurrency: settings.concurrency,
              leaseMs: settings.leaseMs,
            }),
        },
        SchedulerLifecycle,
      ],
      exports: [SchedulerLoop, BatchRunRepository, ScheduleRepository],
    };
  }
}
