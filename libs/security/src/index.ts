export { CredentialVault, VaultError } from './vault/credential-vault';
export type { SealedSecret } from './vault/credential-vault';
export { formatKeyEntry, KeyRingError, parseKeyRing } from './vault/key-ring';
export type { KeyRing } from './vault/key-ring';
export { SchemeNames } from './webhooks/webhook-scheme';
export type { EventIdentity, GenericHmacOptions, IncomingHeaders, SchemeName, VerifyFailureCode, VerifyInput, VerifyResult, WebhookScheme } from './webhooks/webhook-scheme';
