import { describeBusConformance } from '../../../test/bus.conformance';
import { MemoryBroker, MemoryTransport } from './memory.transport';

// One broker shared by every bus a test creates, as processes share a real broker.
const broker = new MemoryBroker();

describeBusConformance('memory', {
  create: async () => {
    const bus = new MemoryTransport(broker);
    await bus.connect();
    return bus;
  },
  latencyMs: 100,
});
