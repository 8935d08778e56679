// The caller ApiKeyGuard established; lives in libs/webhooks with the guard (shared with mcp-gateway).
export { Caller } from '@junction/webhooks';
