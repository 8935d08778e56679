import { ServiceBusAdministrationClient } from '@azure/service-bus';
import { describeBusConformance } from '../../../test/bus.conformance';
import { isEmulatorConnectionString, ServiceBusTransport } from './servicebus.transport';

/**
 * The live conformance run. No broker installable on our machines speaks to the SDK (see RECIPES,
 * "Brokers"), so it runs only against a real namespace or the emulator named by
 * SERVICE_BUS_CONNECTION_STRING. The suite creates fresh topics per test (`conf.<random>`), which needs the
 * admin client: with provisioning off (the emulator's default: it is configured by config.json) it is skipped.
 */
const connectionString = process.env.SERVICE_BUS_CONNECTION_STRING;
const provision = parseProvision(process.env.SERVICE_BUS_PROVISION, connectionString);
const skipReason = !connectionString
  ? 'SERVICE_BUS_CONNECTION_STRING is not set, and no broker installable here can talk to @azure/service-bus'
  : !provision
    ? 'provisioning is off (emulator connection string or SERVICE_BUS_PROVISION=false); the conformance suite creates a fresh topic per test, which needs the admin client'
    : undefined;

if (skipReason === undefined && connectionString) {
  jest.setTimeout(120_000);
  const admin = new ServiceBusAdministrationClient(connectionString);
  describeBusConformance('servicebus', {
    create: async () => {
      const bus = new ServiceBusTransport({ connectionString, provision, adminClient: admin });
      await bus.connect();
      return bus;
    },
    dispose: async (topics) => {
      await Promise.all(topics.map((t) => admin.deleteTopic(t).catch(() => undefined)));
    },
    latencyMs: 2_000,
  });
} else {
  console.warn(
    `\n!!! LIVE SERVICE BUS SUITE SKIPPED: ${skipReason}.\n` +
      '!!! Only the SDK-boundary unit tests (servicebus.transport.spec.ts) ran; the transport is NOT proven against a broker.\n' +
      '!!! Set SERVICE_BUS_CONNECTION_STRING (Azure namespace, or the emulator with SERVICE_BUS_PROVISION=true where supported) to run it.\n',
  );
  describe.skip('MessageBus conformance: servicebus (live)', () => {
    it('needs SERVICE_BUS_CONNECTION_STRING and provisioning', () => undefined);
  });
}

function parseProvision(value: string | undefined, cs: string | undefined): boolean {
  if (value !== undefined && value !== '') return !/^(false|0|no|off)$/i.test(value.trim());
  return cs !== undefined && !isEmulatorConnectionString(cs);
}
