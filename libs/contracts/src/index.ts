export * from './envelope/envelope.schema';
export * from './topics/topics';
export * from './errors/error-codes';
export * from './messages/define-message';
export * from './messages/erp.messages';
export * from './messages/integration.messages';
export * from './messages/registry';
export * from './messages/create-message';
