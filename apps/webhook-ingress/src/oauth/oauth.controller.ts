import { Controller, Get, Headers, Param, Query, Res, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { ActorContext } from '@junction/contracts';
import { OAuthFlowService } from '@junction/integrations';
import { EndpointErrorInterceptor } from '../admin/endpoint-error.interceptor';
import { ApiKeyAuth } from '../auth/api-key.guard';
import { Caller } from '../auth/caller.decorator';
import { ApiKeyDocs, ErrorResponse } from '../docs/openapi.schemas';

/**
 * The OAuth 2.0 authorization-code flow of a connection. `authorize` needs an admin key of the connection's tenant:
 * an open authorize link would let anyone bind their own provider account to someone else's connection. The
 * callback is public; the single-use state it carries is its authentication.
 */
@ApiTags('oauth')
@Controller('oauth')
@UseInterceptors(EndpointErrorInterceptor)
export class OAuthController {
  constructor(private readonly flow: OAuthFlowService) {}

  @Get(':connectionId/authorize')
  @ApiKeyAuth('admin')
  @ApiKeyDocs('admin')
  @ApiOperation({ summary: 'Start authorizing an oauth2 connection: 302 to the provider (JSON {authorizationUrl} with Accept: application/json)' })
  @ApiResponse({ status: 302, description: 'Location: the provider’s authorization URL (state and PKCE S256 challenge included)' })
  @ErrorResponse(400, 'OAUTH_NOT_SUPPORTED | INVALID_CREDENTIAL | VALIDATION_FAILED (returnTo)')
  @ErrorResponse(404, 'CONNECTION_NOT_FOUND')
  async authorize(
    @Caller() caller: ActorContext,
    @Param('connectionId') connectionId: string,
    @Query('returnTo') returnTo: string | undefined,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { authorizationUrl } = await this.flow.authorize(caller, connectionId, { returnTo: typeof returnTo === 'string' ? returnTo : undefined });
    if (wantsJson(accept)) {
      await reply.status(200).header('cache-control', 'no-store').send({ authorizationUrl });
      return;
    }
    await reply.status(302).header('cache-control', 'no-store').header('location', authorizationUrl).send();
  }

  @Get('callback')
  @ApiOperation({ summary: 'The provider’s redirect back (code, state): stores the tokens, marks the connection connected' })
  @ApiResponse({ status: 302, description: 'to the returnTo given at authorize' })
  @ApiResponse({ status: 200, description: 'a "connected" page (JSON {connectionId, status} with Accept: application/json)' })
  @ErrorResponse(400, 'OAUTH_STATE_INVALID | OAUTH_AUTHORIZATION_FAILED (e.g. access_denied)')
  @ErrorResponse(502, 'OAUTH_EXCHANGE_FAILED')
  async callback(@Query() query: Record<string, unknown>, @Headers('accept') accept: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const params: Record<string, string | undefined> = {};
    for (const [key, value] of Object.entries(query)) if (typeof value === 'string') params[key] = value;
    const { connectionId, returnTo } = await this.flow.callback(params);
    void reply.header('cache-control', 'no-store');
    if (returnTo) {
      await reply.status(302).header('location', returnTo).send();
      return;
    }
    if (wantsJson(accept)) {
      await reply.status(200).send({ connectionId, status: 'connected' });
      return;
    }
    await reply
      .status(200)
      .header('content-type', 'text/html; charset=utf-8')
      .send(`<!doctype html><html><head><meta charset="utf-8"><title>Connected</title></head><body><p>Connection ${connectionId} is connected. You can close this window.</p></body></html>`);
  }
}

function wantsJson(accept: string | undefined): boolean {
  return typeof accept === 'string' && accept.includes('application/json') && !accept.includes('text/html');
}
