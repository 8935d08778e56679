import type { Provider } from '@nestjs/common';
import { OAuthFlowService } from './oauth-flow.service';
import { OAuthTokenManager } from './oauth-token.manager';

/** OAuth 2.0 for connections: authorization-code flow with PKCE, race-safe refresh, revoke. */
export const OAUTH_PROVIDERS: Provider[] = [OAuthFlowService, OAuthTokenManager];
