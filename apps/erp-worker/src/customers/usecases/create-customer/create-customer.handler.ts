import { Injectable, Logger } from '@nestjs/common';
import { createReply, type MessageOf } from '@junction/contracts';
import { ErpNextClient, toErpNextCustomer } from '@junction/connectors/erpnext';
import { IdempotentConsumer, MessagePublisher } from '@junction/messaging';
import { EffectLedgerRepository, type Tx } from '@junction/persistence';
import { IntegrationError, ResiliencePipelines, type CallContext } from '@junction/resilience';

const CONSUMER = 'erp-worker';
const OPERATION = 'customer.create';

/**
 * erp.customer.create → a Customer in ERPNext, once.
 * - Redelivered command: the idempotent-consumer mark says so; nothing is called, nothing published.
 * - Crash after ERPNext created the Customer but before our commit: the redelivery looks the Customer up
 *   by its natural key (customer_name) first and reports it as existing instead of creating a second one.
 * - Data ERPNext rejects (validation, conflict): recorded and answered with erp.customer.create.failed;
 *   retrying would fail the same way. Credentials ERPNext rejects: thrown, so the command is dead-lettered
 *   and can be redriven once an operator fixes them. Outages: thrown, so the broker retries with backoff.
 */
@Injectable()
export class CreateCustomerHandler {
  private readonly logger = new Logger(CreateCustomerHandler.name);

  constructor(
    private readonly idempotent: IdempotentConsumer,
    private readonly erpnext: ErpNextClient,
    private readonly ledger: EffectLedgerRepository,
    private readonly publisher: MessagePublisher,
    private readonly calls: ResiliencePipelines,
  ) {}

  async execute(command: MessageOf<'erp.customer.create'>): Promise<void> {
    const outcome = await this.idempotent.run(command.id, (tx) => this.createOnce(tx, command));
    if (outcome.duplicate) this.logger.log(`erp.customer.create ${command.id} already handled; acknowledged without effects`);
  }

  private async createOnce(tx: Tx, command: MessageOf<'erp.customer.create'>): Promise<void> {
    const { customerName } = command.payload;
    const base = { commandId: command.id, consumer: CONSUMER, provider: 'erpnext', operation: OPERATION, naturalKey: customerName };
    // Every ERPNext call goes through the resilience pipeline (rate limit shared by replicas, breaker,
    // timeouts bounded by the command's deadline). The create is not repeated within the call if it may have
    // taken effect: the redelivered command's look-up finds what it created.
    const call = (operation: string, idempotent = true): CallContext => ({
      provider: 'erpnext',
      connection: 'default',
      operation,
      idempotent,
      deadline: command.deadline ? Date.parse(command.deadline) : undefined,
      correlationId: command.correlationId,
      messageId: command.id,
    });
    try {
      const existing = await this.calls.run(call('customer.find'), (a) => this.erpnext.findCustomerByName(customerName, a.requestOptions));
      const customer =
        existing ??
        (await this.calls.run(call('customer.create', false), (a) => this.erpnext.createCustomer(toErpNextCustomer(command.payload), a.requestOptions)));
      await this.ledger.record(tx, { ...base, externalRef: customer.name, outcome: existing ? 'existed' : 'created' });
      await this.publisher.enqueue(tx, [
        createReply(command, 'erp.customer.created', {
          commandId: command.id,
          customerName,
          erpName: customer.name,
          alreadyExisted: existing !== null,
        }),
      ]);
      this.logger.log(`${existing ? 'found existing' : 'created'} ERPNext Customer ${customer.name}`);
    } catch (error) {
      if (!isRejectedData(error)) throw error;
      await this.ledger.record(tx, { ...base, outcome: 'failed', detail: { code: error.code, message: error.message } });
      await this.publisher.enqueue(tx, [
        createReply(command, 'erp.customer.create.failed', { commandId: command.id, customerName, code: error.code, message: error.message }),
      ]);
      this.logger.warn(`ERPNext rejected Customer ${customerName}: ${error.code}: ${error.message}`);
    }
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
