export * from './errors/integration-error';
export * from './pipeline/resilience.types';
export * from './rate-limit/rate-limiter.port';
export * from './telemetry/call-observer';
