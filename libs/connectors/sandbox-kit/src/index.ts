export * from './sandbox-faults';
export * from './sandbox-server';
