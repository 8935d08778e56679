import { Injectable, Logger } from '@nestjs/common';
import { createReply, type MessageOf } from '@junction/contracts';
import { toErpNextCustomer } from '@junction/connectors/erpnext';
import { EffectStep, MessagePublisher, type EffectContext } from '@junction/messaging';
import { EffectLedgerRepository, type Tx } from '@junction/persistence';
import { IntegrationError, ResiliencePipelines, type CallContext } from '@junction/resilience';
import { ErpNextConnections } from '../../../erpnext/erpnext-connections';

const CONSUMER = 'erp-worker';
const OPERATION = 'customer.create';

type CreateCommand = MessageOf<'erp.customer.create'>;

/** What ERPNext said, decided outside any transaction; committed afterwards. */
type CreateOutcome =
  | { readonly kind: 'done'; readonly erpName: string; readonly existed: boolean }
  | { readonly kind: 'rejected'; readonly error: IntegrationError };

/**
 * erp.customer.create → a Customer in ERPNext, once. Claim → call → commit (EffectStep): no transaction is open
 * while ERPNext is called.
 * - Redelivered command: processed already; nothing is called, nothing published. A concurrent duplicate finds the
 *   claim and is redelivered once its lease has run out (by then the first has committed).
 * - Crash after ERPNext created the Customer but before our commit (or a take-over of a lapsed lease): the next
 *   attempt looks the Customer up by its natural key (customer_name) first and reports it as existing instead of
 *   creating a second one.
 * - Data ERPNext rejects (validation, conflict): recorded and answered with erp.customer.create.failed;
 *   retrying would fail the same way. Credentials ERPNext rejects: thrown, so the command is dead-lettered
 *   and can be redriven once an operator fixes them. Outages: thrown, so the broker retries with backoff.
 */
@Injectable()
export class CreateCustomerHandler {
  private readonly logger = new Logger(CreateCustomerHandler.name);

  constructor(
    private readonly effects: EffectStep,
    private readonly erpnext: ErpNextConnections,
    private readonly ledger: EffectLedgerRepository,
    private readonly publisher: MessagePublisher,
    private readonly calls: ResiliencePipelines,
  ) {}

  async execute(command: CreateCommand): Promise<void> {
    const outcome = await this.effects.run(command, {
      effect: (context) => this.createOnce(command, context),
      commit: (tx, result) => this.record(tx, command, result),
    });
    if (outcome.duplicate) this.logger.log(`erp.customer.create ${command.id} already handled; acknowledged without effects`);
  }

  /** The ERPNext calls; no transaction. Safe to repeat: the look-up finds what an earlier attempt created. */
  private async createOnce(command: CreateCommand, { signal }: EffectContext): Promise<CreateOutcome> {
    const { customerName } = command.payload;
    // The command's connection (envelope connectionId, else the tenant's default erpnext connection, else the sandbox
    // when no credentials exist anywhere). Unresolvable (not found, disconnected, reauth_required, none): thrown with
    // retryable false, so the command is dead-lettered with that code and can be redriven once the connection is fixed.
    // Resolved inside the effect (after the claim): a duplicate delivery never touches the database for it.
    const target = await this.erpnext.forCommand(command);
    // Every ERPNext call goes through the resilience pipeline (rate limit shared by replicas, breaker,
    // timeouts bounded by the command's deadline). The create is not repeated within the call if it may have
    // taken effect: the redelivered command's look-up finds what it created.
    const call = (operation: string, idempotent = true): CallContext => ({
      provider: 'erpnext',
      // Per connection: its own breaker and its own shared rate-limit buckets (provider + connection id).
      connection: target.connection,
      operation,
      idempotent,
      deadline: command.deadline ? Date.parse(command.deadline) : undefined,
      correlationId: command.correlationId,
      messageId: command.id,
      signal,
    });
    try {
      const existing = await this.calls.run(call('customer.find'), (a) => target.client.findCustomerByName(customerName, a.requestOptions));
      const customer =
        existing ??
        (await this.calls.run(call('customer.create', false), (a) => target.client.createCustomer(toErpNextCustomer(command.payload), a.requestOptions)));
      return { kind: 'done', erpName: customer.name, existed: existing !== null };
    } catch (error) {
      if (!isRejectedData(error)) throw error;
      return { kind: 'rejected', error };
    }
  }

  /** The outcome's rows, in the effect step's one short transaction (with the processed mark). */
  private async record(tx: Tx, command: CreateCommand, outcome: CreateOutcome): Promise<void> {
    const { customerName } = command.payload;
    const base = { commandId: command.id, consumer: CONSUMER, provider: 'erpnext', operation: OPERATION, naturalKey: customerName };
    if (outcome.kind === 'done') {
      await this.ledger.record(tx, { ...base, externalRef: outcome.erpName, outcome: outcome.existed ? 'existed' : 'created' });
      await this.publisher.enqueue(tx, [
        createReply(command, 'erp.customer.created', {
          commandId: command.id,
          customerName,
          erpName: outcome.erpName,
          alreadyExisted: outcome.existed,
        }),
      ]);
      this.logger.log(`${outcome.existed ? 'found existing' : 'created'} ERPNext Customer ${outcome.erpName}`);
      return;
    }
    const { code, message } = outcome.error;
    await this.ledger.record(tx, { ...base, outcome: 'failed', detail: { code, message } });
    await this.publisher.enqueue(tx, [createReply(command, 'erp.customer.create.failed', { commandId: command.id, customerName, code, message })]);
    this.logger.warn(`ERPNext rejected Customer ${customerName}: ${code}: ${message}`);
  }
}

function isRejectedData(error: unknown): error is IntegrationError {
  return (
    error instanceof IntegrationError &&
    !error.retryable &&
    error.errorClass !== 'auth' &&
    error.errorClass !== 'forbidden'
  );
}
