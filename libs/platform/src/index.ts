export * from './config/base-env';
export * from './bootstrap/app-definition';
export * from './bootstrap/start-app';
export * from './bootstrap/interval-loop';
export * from './bootstrap/run-main';
export * from './http/http-error.filter';
export * from './resilience/bus-call-observer';
export * from './resilience/resilience.module';
