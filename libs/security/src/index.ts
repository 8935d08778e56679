export { CredentialVault, VaultError } from './vault/credential-vault';
export type { SealedSecret } from './vault/credential-vault';
export { formatKeyEntry, isKeyRing, KeyRingError, parseKeyRing } from './vault/key-ring';
export type { KeyRing } from './vault/key-ring';
export { SchemeNames } from './webhooks/webhook-scheme';
export { genericHmacOptionsSchema, webhookSchemes } from './webhooks/webhook-schemes';
export type { EventIdentity, GenericHmacOptions, IncomingHeaders, SchemeName, VerifyFailureCode, VerifyInput, VerifyResult, WebhookScheme } from './webhooks/webhook-scheme';

// Credentials at rest and API keys
export { SecurityModule } from './security.module';
export type { SecurityModuleOptions } from './security.module';
export { CredentialService } from './vault/credential.service';
export type { RewrapReport, SealedCredential, StoreCredentialInput } from './vault/credential.service';
export { apiKeyMatches, generateApiKey, hashApiKey, parseApiKey } from './api-keys/api-key';
export type { GeneratedApiKey } from './api-keys/api-key';
