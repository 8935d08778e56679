export * from './erpnext.types';
export * from './erpnext.client';
export * from './erpnext.mapper';
export { frappeErrorMessage, parseRetryAfter, parseServerMessages, stripHtml } from './erpnext.errors';
export { ErpNextSandbox } from './sandbox/erpnext.sandbox';
export type { ErpNextSandboxOptions, SandboxLedgerEntry, SandboxRequestRecord } from './sandbox/erpnext.sandbox';
export type { FaultConfig, FailNext } from '@junction/connectors/sandbox-kit';
export type { DuplicateNaming } from './sandbox/customer.doctype';
