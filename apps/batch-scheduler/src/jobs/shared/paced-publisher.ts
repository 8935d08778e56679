import type { AnyMessage } from '@junction/contracts';
import { z } from 'zod';
import type { BatchJobContext, BatchRowErrorInput } from '../batch-job';
import type { BatchCommandsRepository } from './batch-commands.repository';
import type { CommandPacer, PaceTarget } from './command-pacer';

/** One item of a run, in order: a command to publish, or a row rejected with its reason. */
export type BatchItem = { readonly row: number; readonly message: AnyMessage } | { readonly row: number; readonly error: BatchRowErrorInput };

/** Stored as BatchRun.cursor: the last row committed, and the run's totals so far (a resumed run goes on counting). */
export interface PublishCursor {
  readonly row: number;
  readonly published: number;
  /** Rows whose command an earlier attempt had published (found in the ledger after a crash). */
  readonly duplicates: number;
  readonly rejected: number;
}

export interface PublishTotals extends PublishCursor {
  /** The run was aborted (shutdown, cancel) before its last row: it resumes after `row`. */
  readonly interrupted: boolean;
}

export interface PacedPublishOptions {
  /** Commit (outbox + checkpoint) after this many rows, and always before waiting for a pace permit. */
  readonly checkpointEvery: number;
  /** null: not paced (the run's commands are not provider calls). */
  readonly pace: PaceTarget | null;
}

const cursorSchema = z.object({
  row: z.number().int().min(0),
  published: z.number().int().min(0).default(0),
  duplicates: z.number().int().min(0).default(0),
  rejected: z.number().int().min(0).default(0),
});

export const START_CURSOR: PublishCursor = { row: 0, published: 0, duplicates: 0, rejected: 0 };

/** The stored cursor, or the start for a first run (or a cursor this code did not write). */
export function readPublishCursor(cursor: unknown): PublishCursor {
  const parsed = cursorSchema.safeParse(cursor);
  return parsed.success ? parsed.data : START_CURSOR;
}

/**
 * Publishes a run's items in order: rows up to the stored cursor are skipped (a resumed run), each command waits for
 * its pace permit, and every `checkpointEvery` rows the commands go to the outbox (BatchCommandsRepository: at most
 * once per id) and then the checkpoint commits the counts, the cursor and the rejected rows. Before waiting for a
 * permit it commits what it holds, so a slow pace never keeps finished rows uncommitted.
 *
 * A crash between the outbox write and the checkpoint redoes those rows on resume: their ids are in the ledger, so
 * they count as done and nothing is published twice. Aborted (signal): stops after the current row, commits, returns.
 */
export async function publishPaced(
  context: Pick<BatchJobContext<unknown>, 'cursor' | 'signal' | 'progress'>,
  items: AsyncIterable<BatchItem>,
  deps: { readonly commands: BatchCommandsRepository; readonly pacer: CommandPacer },
  options: PacedPublishOptions,
): Promise<PublishTotals> {
  const { signal, progress } = context;
  const start = readPublishCursor(context.cursor);
  let state = start;
  let messages: AnyMessage[] = [];
  let errors: BatchRowErrorInput[] = [];
  let lastRow = start.row;

  const flush = async () => {
    if (lastRow === state.row) return;
    const outcome = await deps.commands.publishOnce(messages);
    const next: PublishCursor = {
      row: lastRow,
      published: state.published + outcome.published,
      duplicates: state.duplicates + outcome.duplicates,
      rejected: state.rejected + errors.length,
    };
    await progress.checkpoint({ succeeded: messages.length, failed: errors.length }, next, errors);
    state = next;
    messages = [];
    errors = [];
  };

  /** A permit for the next command; false when the run was aborted while waiting. */
  const permit = async (pace: PaceTarget): Promise<boolean> => {
    for (;;) {
      const taken = await deps.pacer.take(pace);
      if (taken.granted) return true;
      await flush();
      try {
        await deps.pacer.sleep(taken.waitMs, signal);
      } catch (error) {
        if (signal.aborted) return false;
        throw error;
      }
    }
  };

  let interrupted = false;
  for await (const item of items) {
    if (item.row <= start.row) continue;
    if (signal.aborted) {
      interrupted = true;
      break;
    }
    if ('error' in item) {
      errors.push(item.error);
    } else {
      if (options.pace && !(await permit(options.pace))) {
        interrupted = true;
        break;
      }
      messages.push(item.message);
    }
    lastRow = item.row;
    if (messages.length + errors.length >= options.checkpointEvery) await flush();
  }
  await flush();
  return { ...state, interrupted };
}
