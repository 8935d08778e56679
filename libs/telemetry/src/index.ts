export * from './propagation/trace-context';
export * from './logging/log-context';
export * from './logging/logger.factory';
export * from './sdk/telemetry.sdk';
export * from './health/readiness';
export * from './health/health.module';
export * from './logging/pino-nest.logger';
