import type { LoggerService } from '@nestjs/common';
import type { MessageBus } from './message-bus.port';
import { type MemoryBroker, MemoryTransport } from '../transports/memory/memory.transport';
import { RabbitMqTransport } from '../transports/rabbitmq/rabbitmq.transport';
import { ServiceBusTransport } from '../transports/servicebus/servicebus.transport';

export type BusSettings = (
  | { transport: 'memory'; broker?: MemoryBroker }
  | { transport: 'rabbitmq'; url: string; connectionName?: string }
  | { transport: 'servicebus'; connectionString: string; provision?: boolean }
) & { maxMessageBytes?: number };

/** The one place a transport is chosen (from config): everything else sees only the MessageBus port. */
export function createBus(settings: BusSettings, logger: LoggerService): MessageBus {
  switch (settings.transport) {
    case 'memory':
      return new MemoryTransport(settings.broker, settings.maxMessageBytes);
    case 'rabbitmq':
      return new RabbitMqTransport({
        url: settings.url,
        connectionName: settings.connectionName,
        maxMessageBytes: settings.maxMessageBytes,
        logger: { log: (m) => logger.log(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
      });
    case 'servicebus':
      return new ServiceBusTransport({
        connectionString: settings.connectionString,
        provision: settings.provision,
        maxMessageBytes: settings.maxMessageBytes,
        logger,
      });
  }
}
