export * from './errors/integration-error';
