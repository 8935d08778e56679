import { Injectable } from '@nestjs/common';
import type { ErpNextCallOptions, ErpNextPort } from '@junction/connectors/erpnext';
import type { EffectContext } from '@junction/messaging';
import { IntegrationError, ResiliencePipelines, type CallContext } from '@junction/resilience';
import { ErpNextConnections } from './erpnext-connections';

/** What a command's calls need from its envelope. */
interface CommandEnvelope {
  readonly id: string;
  readonly tenantId: string;
  readonly connectionId?: string;
  readonly correlationId: string;
  readonly deadline?: string;
}

/**
 * One command's ERPNext calls: its connection's port (REST or MCP), every call through the resilience pipeline (the connection's
 * breaker and shared rate-limit buckets, per-attempt timeouts, the command's deadline, the effect's abort signal).
 */
export interface ErpNextSession {
  /** CallContext.connection: the connection id, or `sandbox` / `env`. */
  readonly connection: string;
  /** A call that may be repeated (reads, and writes that set a state): retried within the call on a retryable failure. */
  read<T>(operation: string, call: (client: ErpNextPort, options: ErpNextCallOptions) => Promise<T>): Promise<T>;
  /**
   * A call that must not run twice (an insert, a submit): not retried within the call when it may have taken effect;
   * the redelivered command's look-up finds what it did.
   */
  write<T>(operation: string, call: (client: ErpNextPort, options: ErpNextCallOptions) => Promise<T>): Promise<T>;
}

@Injectable()
export class ErpNextCalls {
  constructor(
    private readonly connections: ErpNextConnections,
    private readonly pipelines: ResiliencePipelines,
  ) {}

  /**
   * The command's session. Resolving the connection is the first thing an effect does (after the claim, so a duplicate
   * delivery never touches the database for it); an unresolvable one throws a non-retryable error: dead-lettered.
   */
  async open(command: CommandEnvelope, { signal }: EffectContext): Promise<ErpNextSession> {
    const target = await this.connections.forCommand(command);
    const deadline = command.deadline ? Date.parse(command.deadline) : undefined;
    const run = <T>(operation: string, idempotent: boolean, call: (client: ErpNextPort, options: ErpNextCallOptions) => Promise<T>) => {
      const context: CallContext = {
        provider: 'erpnext',
        connection: target.connection,
        operation,
        idempotent,
        deadline,
        correlationId: command.correlationId,
        messageId: command.id,
        signal,
      };
      return this.pipelines.run(context, (attempt) => call(target.client, attempt.requestOptions));
    };
    return {
      connection: target.connection,
      read: (operation, call) => run(operation, true, call),
      write: (operation, call) => run(operation, false, call),
    };
  }
}

/**
 * What a use case decides ERPNext would refuse (cancel a draft, a customer that is not there): the same classified
 * error ERPNext's own answer would be, so CommandStep answers `<type>.failed` with its code.
 */
export function erpNextRejects(errorClass: 'not_found' | 'validation' | 'conflict', operation: string, message: string): IntegrationError {
  return new IntegrationError(errorClass, message, { provider: 'erpnext', operation });
}
