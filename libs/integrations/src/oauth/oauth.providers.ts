import type { Provider } from '@nestjs/common';

/** OAuth 2.0 for connections: authorization-code flow with PKCE, race-safe refresh, revoke. */
export const OAUTH_PROVIDERS: Provider[] = [];
