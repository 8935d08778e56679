import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InboxRepository, type InboxEntry } from '@junction/persistence';
import { MessagePublisher } from '@junction/messaging';
import { GroupCommit } from './group-commit';

export type WriteOutcome = 'accepted' | 'duplicate' | 'unstorable';

/** Group-commit tuning; the defaults were measured with `npm run bench:ingress`. */
export interface InboxWriterOptions {
  maxInFlight: number;
  maxBatch: number;
}

export const INBOX_WRITER_OPTIONS = Symbol('INBOX_WRITER_OPTIONS');
const DEFAULTS: InboxWriterOptions = { maxInFlight: 1, maxBatch: 256 };

/**
 * Durable accept: a request's inbox + outbox rows are committed (grouped with concurrent requests' rows into
 * one statement) before its promise resolves. Replays within one batch are answered as duplicates of the first.
 * A row Postgres refuses for its data (`\u0000`, lone surrogates) is found by writing that batch row by row, so it
 * alone is `unstorable` and its neighbours are still accepted. Any other failure rejects (the caller answers 503).
 * The outbox rows it committed go to the relay as written, so the relay need not read their bodies back.
 */
@Injectable()
export class InboxWriter {
  private readonly logger = new Logger(InboxWriter.name);
  private readonly committer: GroupCommit<InboxEntry, WriteOutcome>;

  constructor(
    private readonly inbox: InboxRepository,
    private readonly publisher: MessagePublisher,
    @Optional() @Inject(INBOX_WRITER_OPTIONS) options?: InboxWriterOptions,
  ) {
    this.committer = new GroupCommit((entries) => this.write(entries), options ?? DEFAULTS);
  }

  write1(entry: InboxEntry): Promise<WriteOutcome> {
    return this.committer.submit(entry);
  }

  private async write(entries: InboxEntry[]): Promise<WriteOutcome[]> {
    const firstOf = new Map<string, number>();
    const unique: InboxEntry[] = [];
    const slot = entries.map((entry) => {
      const key = `${entry.endpointId}\u0000${entry.eventId}`;
      const seen = firstOf.get(key);
      if (seen !== undefined) return -1;
      firstOf.set(key, unique.length);
      unique.push(entry);
      return unique.length - 1;
    });
    const outcomes = await this.writeUnique(unique);
    const accepted = unique.filter((_, i) => outcomes[i] === 'accepted');
    if (accepted.length > 0) this.publisher.committed(accepted.map(({ id, topic, type, bodyJson, headers }) => ({ id, topic, type, body: bodyJson, headers })));
    return slot.map((index) => (index === -1 ? 'duplicate' : outcomes[index]!));
  }

  private async writeUnique(entries: InboxEntry[]): Promise<WriteOutcome[]> {
    try {
      const accepted = await this.inbox.accept(entries);
      return entries.map((e) => (accepted.has(e.id) ? 'accepted' : 'duplicate'));
    } catch (error) {
      if (!InboxRepository.isDataError(error)) throw error;
      if (entries.length === 1) {
        this.logger.warn({ endpointId: entries[0]!.endpointId, eventId: entries[0]!.eventId, reason: (error as Error).message }, 'webhook payload refused by the database');
        return ['unstorable'];
      }
      const outcomes: WriteOutcome[] = [];
      for (const entry of entries) outcomes.push(...(await this.writeUnique([entry])));
      return outcomes;
    }
  }
}
