// The API key check lives in libs/webhooks (shared with mcp-gateway); re-exported here for this app's modules.
export { ApiKeyAuth, ApiKeyGuard, PLAIN_API_KEY, plainApiKey } from '@junction/webhooks';
export type { ApiKeyRequest, PlainApiKey } from '@junction/webhooks';
