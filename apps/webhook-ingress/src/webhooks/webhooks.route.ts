import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { ReceiveWebhookHandler } from './usecases/receive-webhook/receive-webhook.handler';

/**
 * `POST /webhooks/:provider/:endpointId`, registered on Fastify directly rather than as a Nest controller:
 * in its own plugin scope every content-type parser is removed, so the body arrives as the untouched byte
 * stream (signatures cover the raw bytes; the size limit is the endpoint's, known only after the lookup) and
 * the hot path skips Nest's guard/pipe/interceptor chain. It only maps HTTP to the use case.
 */
@Injectable()
export class WebhooksRoute implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly receive: ReceiveWebhookHandler,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register((scope, _options, done) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_request, _payload, parsed) => parsed(null));
      scope.post<{ Params: { provider: string; endpointId: string } }>('/webhooks/:provider/:endpointId', async (request, reply) => {
        const answer = await this.receive.execute({
          provider: request.params.provider,
          endpointId: request.params.endpointId,
          headers: request.headers,
          body: request.raw,
          requestId: request.id,
          remoteAddress: request.ip,
        });
        if (answer.headers) void reply.headers(answer.headers);
        if (answer.close) void reply.header('connection', 'close');
        return reply.code(answer.status).send(answer.body);
      });
      done();
    });
  }
}
