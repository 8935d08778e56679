export * from './propagation/trace-context';
