import { Injectable, Logger } from '@nestjs/common';
import { createMessage, type AnyMessage, type MessageOf } from '@junction/contracts';
import { IdempotentConsumer, MessagePublisher } from '@junction/messaging';
import { mapEvent, type MappedCommand } from '@junction/webhooks';
import { EndpointCache } from '../../../endpoints/endpoint.cache';
import { CompiledRoutesCache } from '../../compiled-routes.cache';
import { routedCommandId } from './routed-command.id';

/**
 * webhooks.received → the commands the endpoint's routes make of it, written to the outbox once.
 * - Mapping runs before the transaction (it may take up to the evaluation time limit; no connection is held).
 *   A failure throws MappingError (MAPPING_FAILED, not retryable): the event is dead-lettered at once and can
 *   be redriven once the route is fixed. Nothing of the event is published then, not even other routes'.
 * - The commands and the idempotency mark commit together; a redelivered event finds the mark and adds
 *   nothing. Command ids derive from the event id, route and position, so a redelivery that races the first
 *   delivery (or runs after the routes changed) can never yield a second, different command.
 * - Endpoint gone (deleted, disabled, or its id now another tenant's): acknowledged with a warning, nothing
 *   published. Its routes no longer speak for this event.
 */
@Injectable()
export class RouteWebhookHandler {
  private readonly logger = new Logger(RouteWebhookHandler.name);

  constructor(
    // The intake's cache: one query per endpoint per TTL for both (most events match no route, and a query per
    // event would cost the database as much as receiving it did). A route change shows within the TTL.
    private readonly endpoints: EndpointCache,
    private readonly routes: CompiledRoutesCache,
    private readonly idempotent: IdempotentConsumer,
    private readonly publisher: MessagePublisher,
  ) {}

  async execute(event: MessageOf<'webhooks.received'>): Promise<void> {
    const { endpointId, provider, eventType, eventId } = event.payload;
    const where = `${provider} ${eventType} ${eventId} (message ${event.id}, correlation ${event.correlationId})`;
    const endpoint = await this.endpoints.get(endpointId);
    if (!endpoint || endpoint.tenantId !== event.tenantId || endpoint.provider !== provider) {
      this.logger.warn(`endpoint ${endpointId} is gone, disabled or no longer the one that received it; ${where} acknowledged without routing`);
      return;
    }
    const mapped = await mapEvent(this.routes.for(endpoint), event.payload);
    if (mapped.length === 0) {
      this.logger.debug(`no route of endpoint ${endpointId} matches ${where}`);
      return;
    }
    const commands = this.commandsFor(event, mapped);
    const outcome = await this.idempotent.run(event.id, (tx) => this.publisher.enqueue(tx, commands));
    if (outcome.duplicate) {
      this.logger.log(`${where} already routed; acknowledged without effects`);
      return;
    }
    const summary = commands.map((c, i) => `${mapped[i]!.route} → ${c.type} ${c.id}`).join(', ');
    this.logger.log(`routed ${where}: ${summary}`);
  }

  private commandsFor(event: MessageOf<'webhooks.received'>, mapped: readonly MappedCommand[]): AnyMessage[] {
    const perRoute = new Map<string, number>();
    return mapped.map(({ route, command, payload }) => {
      const index = perRoute.get(route) ?? 0;
      perRoute.set(route, index + 1);
      // The payload has passed the command's schema in mapEvent; createMessage parses it again (producers parse).
      return createMessage(command, payload as never, {
        tenantId: event.tenantId,
        correlationId: event.correlationId,
        causationId: event.id,
        id: routedCommandId(event.id, route, index),
      }) as AnyMessage;
    });
  }
}
