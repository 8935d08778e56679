import { hostname } from 'node:os';
import { Logger, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { busTopology, createBus, JunctionServer, MESSAGE_BUS, MessagingModule, OutboxRelay, DeadLetterRecorder, type BusSettings, type MessageBus } from '@junction/messaging';
import { PersistenceModule, PrismaService } from '@junction/persistence';
import { createLogger, enterLogContext, HealthModule, PinoNestLogger, type ReadinessCheck } from '@junction/telemetry';
import type { BaseEnv } from '../config/base-env';
import type { AppDefinition } from './app-definition';
import { HttpErrorFilter } from '../http/http-error.filter';

export interface RunningApp {
  readonly name: string;
  readonly url: string;
  readonly app: INestApplication;
  readonly bus: MessageBus;
  /** Graceful: stop consuming (in-flight messages settle), stop HTTP, stop the relay, close DB and broker. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Use this bus instead of creating one from env (standalone mode shares a MemoryBroker). */
  bus?: MessageBus;
  port?: number;
}

export async function startApp<E extends BaseEnv>(definition: AppDefinition<E>, env: E, options: StartOptions = {}): Promise<RunningApp> {
  const logger = new PinoNestLogger(createLogger({ service: definition.name, level: env.LOG_LEVEL }));
  // The broker shows this name in its connection list: which app, which process.
  const bus = options.bus ?? createBus(busSettings(env, `${definition.name}@${hostname()}:${process.pid}`), new Logger('MessageBus'));
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is required');
  // The whole topology, by whichever app starts first, before this app's relay publishes or its consumers start:
  // a command published before its worker ever ran waits in the worker's queue, and a type nothing takes is held
  // in its topic's unrouted queue. Declared by every app (idempotent), so no start order is required.
  await bus.connect();
  await bus.applyTopology(busTopology(env.MAX_DELIVERY_COUNT));

  @Module({
    imports: [
      PersistenceModule.forRoot({ databaseUrl: env.DATABASE_URL, poolMax: env.DATABASE_POOL_MAX }),
      MessagingModule.forRoot({ bus, consumer: definition.name }),
      HealthModule.forRoot({ useFactory: readinessChecks, inject: [PrismaService, MESSAGE_BUS, OutboxRelay] }),
      ...definition.imports(env),
    ],
  })
  class AppRootModule {}

  // maxParamLength: Fastify's router answers a longer path segment (default 100) with its own 414 body, before
  // any handler or filter; at 1 KiB an overlong id reaches the handler and gets our 404 {code, message}.
  const app = await NestFactory.create<NestFastifyApplication>(AppRootModule, new FastifyAdapter({ bodyLimit: 1_048_576, routerOptions: { maxParamLength: 1_024 } }), {
    logger,
    abortOnError: false,
  });
  app.useGlobalFilters(new HttpErrorFilter());
  // Every request's log lines name this app, also when seven apps share a process and Nest's static logger.
  app.getHttpAdapter().getInstance().addHook('onRequest', (_req, _reply, done) => {
    enterLogContext({ app: definition.name });
    done();
  });
  const server = new JunctionServer({
    bus,
    subscription: definition.name,
    concurrency: env.CONSUMER_CONCURRENCY,
    maxDeliveryCount: env.MAX_DELIVERY_COUNT,
    onDeadLetter: (delivery, settlement) => app.get(DeadLetterRecorder).record(delivery, settlement),
  });
  await definition.configure?.(app, env);
  app.connectMicroservice({ strategy: server }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen({ port: options.port ?? env.PORT ?? definition.defaultPort, host: env.HOST });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : definition.defaultPort;
  const url = `http://${env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST}:${port}`;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // Order matters: consumers first (their handlers still need the database and the relay), then HTTP,
      // relay and database (app.close), then the broker connection.
      await server.close();
      await app.close();
      await bus.close();
    })());
  return { name: definition.name, url, app, bus, stop };
}

function readinessChecks(prisma: PrismaService, bus: MessageBus, relay: OutboxRelay): ReadinessCheck[] {
  return [
    { key: 'database', check: () => prisma.ping() },
    {
      key: 'broker',
      check: async () => {
        const h = bus.health();
        if (!h.up) throw new Error(`${bus.transport}: ${h.detail ?? 'down'}`);
        return { transport: bus.transport };
      },
    },
    {
      key: 'outbox',
      check: async () => {
        const h = relay.health();
        if (!h.up) throw new Error(`relay failing (${h.failures} attempts): ${h.lastError ?? ''}`);
        return { failures: h.failures };
      },
    },
  ];
}

export function busSettings(env: BaseEnv, connectionName: string): BusSettings {
  const maxMessageBytes = env.BUS_MAX_MESSAGE_BYTES;
  switch (env.BUS) {
    case 'memory':
      return { transport: 'memory', maxMessageBytes };
    case 'rabbitmq':
      return { transport: 'rabbitmq', url: env.RABBITMQ_URL!, connectionName, maxMessageBytes };
    case 'servicebus':
      return { transport: 'servicebus', connectionString: env.SERVICE_BUS_CONNECTION_STRING!, provision: env.SERVICE_BUS_PROVISION, maxMessageBytes };
  }
}
