import { contractTopology, type ContractTopology } from '@junction/contracts';
import type { BusTopology } from './message-bus.port';

/** The contracts' topology as the bus declares it, with the deployment's maxDeliveryCount on every subscription. */
export function busTopology(maxDeliveryCount: number, contract: ContractTopology = contractTopology()): BusTopology {
  return {
    topics: contract.topics,
    subscriptions: contract.subscriptions.map((s) => ({ ...s, maxDeliveryCount })),
  };
}
