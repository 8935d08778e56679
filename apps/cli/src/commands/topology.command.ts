import type { BusTopology, MessageBus } from '@junction/messaging';
import { CliConfigError } from '../cli-errors';
import type { CliEnv } from '../config/env';
import type { CommandSpec } from './command';

/**
 * Loaded on use only: @junction/messaging brings Nest and OpenTelemetry, seconds that the endpoint and key
 * commands should not pay.
 */
function messaging(): Promise<typeof import('@junction/messaging')> {
  return import('@junction/messaging');
}

async function topologyOf(env: CliEnv): Promise<BusTopology> {
  return (await messaging()).busTopology(env.MAX_DELIVERY_COUNT);
}

/** The broker the apps use, from the same variables (BUS, RABBITMQ_URL, SERVICE_BUS_CONNECTION_STRING). */
export async function openBus(env: CliEnv): Promise<MessageBus> {
  const { createBus } = await messaging();
  const logger = { log: () => undefined, warn: (m: unknown) => process.stderr.write(`junction: warning: ${String(m)}\n`), error: () => undefined };
  switch (env.BUS) {
    case 'memory':
      throw new CliConfigError('BUS=memory: the in-memory bus lives inside the running Junction; set BUS=rabbitmq or BUS=servicebus', 'BUS_REQUIRED');
    case 'rabbitmq':
      if (!env.RABBITMQ_URL) throw new CliConfigError('RABBITMQ_URL: required when BUS=rabbitmq');
      return createBus({ transport: 'rabbitmq', url: env.RABBITMQ_URL, connectionName: 'junction-cli' }, logger);
    case 'servicebus':
      if (!env.SERVICE_BUS_CONNECTION_STRING) throw new CliConfigError('SERVICE_BUS_CONNECTION_STRING: required when BUS=servicebus');
      return createBus({ transport: 'servicebus', connectionString: env.SERVICE_BUS_CONNECTION_STRING, provision: env.SERVICE_BUS_PROVISION }, logger);
  }
}

function planLines(topology: BusTopology): string[] {
  return topology.topics.flatMap((topic) => {
    const subs = topology.subscriptions.filter((s) => s.topic === topic);
    return [
      topic,
      ...subs.map((s) => `  ${s.subscription.padEnd(20)} ${s.types.join(', ')}`),
      `  ${'unrouted'.padEnd(20)} ${subs.length > 0 ? 'every other type' : 'every type (nothing consumes this topic yet)'}`,
    ];
  });
}

export const topologyCommands: readonly CommandSpec[] = [
  {
    group: 'topology',
    name: 'show',
    summary: 'print the broker topology the contracts declare: topics, subscriptions and their types (no broker needed)',
    async run(call) {
      const topology = await topologyOf(call.env);
      return { json: topology, text: planLines(topology) };
    },
  },
  {
    group: 'topology',
    name: 'apply',
    summary: 'declare every topic, subscription, type filter and unrouted holding queue on the broker (BUS=rabbitmq|servicebus)',
    async run(call) {
      const topology = await topologyOf(call.env);
      const bus = await call.runtime.bus();
      await bus.applyTopology(topology);
      const { isEmulatorConnectionString } = await messaging();
      const unprovisioned =
        bus.transport === 'servicebus' && !(call.env.SERVICE_BUS_PROVISION ?? !isEmulatorConnectionString(call.env.SERVICE_BUS_CONNECTION_STRING ?? ''));
      const notes = unprovisioned
          ? ['Service Bus without provisioning (the emulator, or SERVICE_BUS_PROVISION=false): nothing was created; its entities come from deploy/servicebus-emulator/config.json']
          : [];
      return {
        json: { transport: bus.transport, ...topology },
        text: [`Applied on ${bus.transport}: ${topology.topics.length} topics, ${topology.subscriptions.length} subscriptions, one unrouted holding queue per topic.`, ...planLines(topology)],
        notes,
      };
    },
  },
  {
    group: 'topology',
    name: 'status',
    summary: 'count the messages each topic holds as unrouted (no subscription takes their type), with the oldest ids',
    options: { peek: { type: 'string', value: 'N', help: 'oldest unrouted messages to show per topic (default 3)' } },
    async run(call) {
      const peek = call.args.int('peek', { min: 0, max: 100 }) ?? 3;
      const topology = await topologyOf(call.env);
      const bus = await call.runtime.bus();
      const topics = [];
      for (const topic of topology.topics) {
        const { count, messages } = await bus.peekUnrouted(topic, peek);
        topics.push({ topic, unrouted: count, oldest: messages.map((m) => ({ id: m.messageId, type: m.type, enqueuedAt: m.enqueuedAt.toISOString() })) });
      }
      const held = topics.filter((t) => t.unrouted > 0);
      return {
        json: { transport: bus.transport, topics },
        text:
          held.length === 0
            ? [`No unrouted messages on ${bus.transport}.`]
            : held.flatMap((t) => [`${t.topic}: ${t.unrouted} unrouted`, ...t.oldest.map((m) => `  ${m.id}  ${m.type}  ${m.enqueuedAt}`)]),
      };
    },
  },
  {
    group: 'topology',
    name: 'emulator-config',
    summary: 'print the Service Bus emulator config.json for the topology (> deploy/servicebus-emulator/config.json)',
    async run(call) {
      const config = (await messaging()).emulatorConfig(await topologyOf(call.env));
      return { json: config, text: [JSON.stringify(config, null, 2)] };
    },
  },
];
