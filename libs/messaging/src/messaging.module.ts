import { type DynamicModule, Module } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import type { MessageBus } from './bus/message-bus.port';
import { CommandStep } from './commands/command-step';
import { CommandSubmitter } from './commands/command-submitter';
import { DeadLetterRecorder } from './dead-letters/dead-letter.recorder';
import { EffectStep, type EffectStepOptions } from './idempotency/effect-step';
import { IdempotentConsumer } from './idempotency/idempotent-consumer';
import { MESSAGE_BUS, MESSAGING_OPTIONS } from './messaging.tokens';
import { JunctionClient } from './nest/junction.client';
import { OutboxRelay } from './outbox/outbox.relay';
import { MessagePublisher } from './publishing/message.publisher';

export interface MessagingModuleOptions {
  bus: MessageBus;
  /** This app's name: its subscription name and its idempotency namespace. */
  consumer: string;
  /** Run the outbox relay in this app (default true). */
  relay?: boolean;
  relayPollMs?: number;
  relayBatchSize?: number;
  /**
   * A claim that found rows is followed by the next one no sooner than this (default 25 ms), so that under load
   * the commits of that time share one claim: a relay transaction costs Postgres about half as much per row at
   * 100 rows as at 24 (bench:ingress). A relay that found nothing last time publishes a wake-up's rows at once.
   */
  relayLingerMs?: number;
  /**
   * Failures counted against one outbox row before the relay parks it in `outbox_parked` (default 10). Only failures
   * that are the row's count: it failed while other rows were published. During a broker outage nothing is counted.
   * A row the broker refuses for good (PermanentPublishError: too large, not encodable) is parked at its first failure.
   */
  relayMaxAttempts?: number;
  /** The effect step's claim lease and heartbeat (EffectStep: claim → provider call → commit). */
  effectStep?: EffectStepOptions;
}

/**
 * Global: gives an app its bus, the outbox publisher and relay, the idempotent-consumer guard and a Nest
 * ClientProxy. Needs PersistenceModule (also global) imported by the same app.
 */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        { provide: MESSAGE_BUS, useValue: options.bus },
        { provide: JunctionClient, useFactory: () => new JunctionClient(options.bus) },
        { provide: ClientProxy, useExisting: JunctionClient },
        OutboxRelay,
        MessagePublisher,
        IdempotentConsumer,
        EffectStep,
        CommandStep,
        CommandSubmitter,
        DeadLetterRecorder,
      ],
      exports: [MESSAGING_OPTIONS, MESSAGE_BUS, JunctionClient, ClientProxy, OutboxRelay, MessagePublisher, IdempotentConsumer, EffectStep, CommandStep, CommandSubmitter, DeadLetterRecorder],
    };
  }
}
