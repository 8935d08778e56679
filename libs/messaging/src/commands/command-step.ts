import { Inject, Injectable, Logger } from '@nestjs/common';
import { createReply, repliesOf, type AnyMessage, type MessageOf, type MessagePayload, type MessageType, type Messages } from '@junction/contracts';
import { EffectLedgerRepository, type EffectOutcome, type Tx } from '@junction/persistence';
import { EffectStep, type EffectContext } from '../idempotency/effect-step';
import type { MessagingModuleOptions } from '../messaging.module';
import { MESSAGING_OPTIONS } from '../messaging.tokens';
import { MessagePublisher } from '../publishing/message.publisher';

/** Commands defined with defineCommand: those with a success and a failure event. */
export type CommandType = {
  [T in MessageType]: (typeof Messages)[T] extends { readonly replies: { readonly succeeded: MessageType } } ? T : never;
}[MessageType];
/** The success event type of a command. */
export type SucceededOf<T extends CommandType> = (typeof Messages)[T] extends { readonly replies: { readonly succeeded: infer S extends MessageType } } ? S : never;

export interface LedgerEntry {
  readonly outcome: EffectOutcome;
  /** The provider's id of what was created or changed (ERPNext document name, CRM object id, post URN). */
  readonly externalRef?: string | null;
}

export interface CommandStepSpec<T extends CommandType, R> {
  /** Provider key of the effect ledger row ('erpnext', 'crm' …). */
  readonly provider: string;
  /** What the command does at the provider ('sales-order.create'); one ledger row per command and operation. */
  readonly operation: string;
  /** The provider-side identity the effect is deduplicated on (externalRef, e-mail, the command id …). */
  readonly naturalKey: string;
  /**
   * The provider calls, with no transaction open. Safe to repeat (context.attempt > 1: the provider may hold this
   * command's effect already). Throw classified errors: see CommandStep.
   */
  effect(context: EffectContext): Promise<R>;
  /** The success event's payload. */
  succeeded(result: R): MessagePayload<SucceededOf<T>>;
  /** The ledger row's outcome and reference (default: created, no reference). */
  ledger?(result: R): LedgerEntry;
  /** Further writes of the outcome, in the commit transaction (stored analyses, cursors). */
  persist?(tx: Tx, result: R): Promise<void>;
  /** This command's claim lease (default: the effect step's). */
  readonly leaseMs?: number;
}

/** What a rejection carries: IntegrationError's fields, duck-typed (messaging does not depend on resilience). */
interface Rejection {
  readonly code: string;
  readonly errorClass: string;
  readonly message: string;
}

type Decided<R> = { readonly ok: true; readonly result: R } | { readonly ok: false; readonly rejection: Rejection };

/** Retrying cannot help, and it is not our credentials either (those are dead-lettered for an operator to fix). */
function asRejection(error: unknown): Rejection | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { retryable?: unknown; errorClass?: unknown; code?: unknown; message?: unknown };
  if (e.retryable !== false || typeof e.errorClass !== 'string' || typeof e.code !== 'string') return undefined;
  // Credentials and unusable connections are dead-lettered (and answered then): an operator fixes them and redrives.
  if (e.errorClass === 'auth' || e.errorClass === 'forbidden' || e.errorClass === 'connection') return undefined;
  return { code: e.code, errorClass: e.errorClass, message: typeof e.message === 'string' ? e.message : e.code };
}

/**
 * One command, one provider effect, one answer: the use-case skeleton of every worker, on EffectStep (claim → call →
 * commit, no transaction open during provider calls; a delivered-again command is acknowledged without effects).
 *
 * The commit writes the effect ledger row and exactly one event, the command's success event or its `<type>.failed`:
 * - the effect returned: the success event (`succeeded(result)`), plus `persist`'s rows;
 * - the effect threw a non-retryable error that is not auth/forbidden (the provider rejected the data: validation,
 *   conflict, not_found, client): `<type>.failed` with its code, class and message. Retrying would fail the same way.
 * Anything else is rethrown for the settlement policy: retryable errors are redelivered with backoff; auth, forbidden
 * and unresolvable connections are dead-lettered, and the consumer's dead-letter path answers `<type>.failed` then.
 */
@Injectable()
export class CommandStep {
  private readonly logger = new Logger(CommandStep.name);

  constructor(
    private readonly effects: EffectStep,
    private readonly ledger: EffectLedgerRepository,
    private readonly publisher: MessagePublisher,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
  ) {}

  async run<T extends CommandType, R>(command: MessageOf<T>, spec: CommandStepSpec<T, R>): Promise<void> {
    const outcome = await this.effects.run<Decided<R>>(command, {
      leaseMs: spec.leaseMs,
      effect: async (context) => {
        try {
          return { ok: true, result: await spec.effect(context) };
        } catch (error) {
          const rejection = asRejection(error);
          if (!rejection) throw error;
          return { ok: false, rejection };
        }
      },
      commit: (tx, decided) => this.commit(tx, command, spec, decided),
    });
    if (outcome.duplicate) this.logger.log(`${command.type} ${command.id} already handled; acknowledged without effects`);
  }

  private async commit<T extends CommandType, R>(tx: Tx, command: MessageOf<T>, spec: CommandStepSpec<T, R>, decided: Decided<R>): Promise<void> {
    const replies = repliesOf(command.type);
    if (!replies) throw new Error(`${command.type} has no reply events (define it with defineCommand)`);
    const row = { commandId: command.id, consumer: this.options.consumer, provider: spec.provider, operation: spec.operation, naturalKey: spec.naturalKey };
    if (decided.ok) {
      const entry = spec.ledger?.(decided.result) ?? { outcome: 'created' };
      await this.ledger.record(tx, { ...row, outcome: entry.outcome, externalRef: entry.externalRef });
      await spec.persist?.(tx, decided.result);
      await this.publisher.enqueue(tx, [createReply(command, replies.succeeded, spec.succeeded(decided.result) as never) as AnyMessage]);
      return;
    }
    const { code, errorClass, message } = decided.rejection;
    await this.ledger.record(tx, { ...row, outcome: 'failed', detail: { code, errorClass, message } });
    await this.publisher.enqueue(tx, [
      createReply(command, replies.failed, { commandId: command.id, commandType: command.type, code, errorClass, message, deadLettered: false } as never) as AnyMessage,
    ]);
    this.logger.warn(`${command.type} ${command.id} rejected by ${spec.provider}: ${code}: ${message}`);
  }
}
