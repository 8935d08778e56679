export * from './sandbox-faults';
export * from './sandbox-server';
export * from './run-sandbox';
