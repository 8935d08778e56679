import { Inject, Injectable } from '@nestjs/common';
import { ConnectionRepository } from '@junction/persistence';
import type { BatchJobContext } from '../batch-job';
import { BatchCommandsRepository } from './batch-commands.repository';
import { CommandPacer, providerPaceRate, type PaceTarget } from './command-pacer';
import { publishPaced, type BatchItem, type PublishTotals } from './paced-publisher';

export const BATCH_JOBS_OPTIONS = Symbol('BATCH_JOBS_OPTIONS');

export interface BatchJobsOptions {
  /** Rows per checkpoint (BATCH_CHECKPOINT_ROWS). */
  readonly checkpointEvery: number;
  /** Page size of provider listings (export, reconciliation). */
  readonly pageSize: number;
  /** Largest CSV accepted by POST /batch-files and the CLI (BATCH_FILE_MAX_BYTES). */
  readonly maxFileBytes: number;
}

/** What the publishing jobs (sync, import, reconciliation's fix) share: the paced, at-most-once path to the outbox. */
@Injectable()
export class BatchPublishing {
  constructor(
    private readonly commands: BatchCommandsRepository,
    private readonly pacer: CommandPacer,
    private readonly connections: ConnectionRepository,
    @Inject(BATCH_JOBS_OPTIONS) private readonly options: BatchJobsOptions,
  ) {}

  /**
   * The bucket a tenant's commands to `provider` are paced on: its default connection of the provider (the one the
   * worker will run them on), else `default` — env credentials or the sandbox, shared by every tenant without one, as
   * the worker's own limits are. `ratePerSecond` from the run's params, else the provider's limit.
   */
  async paceFor(tenantId: string, provider: string, ratePerSecond?: number): Promise<PaceTarget> {
    const connection = await this.connections.findDefault(tenantId, provider);
    return { provider, connection: connection?.id ?? 'default', ratePerSecond: ratePerSecond ?? providerPaceRate(provider) };
  }

  publish(context: BatchJobContext<unknown>, items: AsyncIterable<BatchItem>, pace: PaceTarget | null): Promise<PublishTotals> {
    return publishPaced(context, items, { commands: this.commands, pacer: this.pacer }, { checkpointEvery: this.options.checkpointEvery, pace });
  }
}
