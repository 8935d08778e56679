import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { discardRest } from './intake/body.reader';
import { ReceiveWebhookHandler } from './usecases/receive-webhook/receive-webhook.handler';

/**
 * `POST /webhooks/:provider/:endpointId`, registered on Fastify directly rather than as a Nest controller:
 * in its own plugin scope every content-type parser is removed, so the body arrives as the untouched byte
 * stream (signatures cover the raw bytes; the size limit is the endpoint's, known only after the lookup) and
 * the hot path skips Nest's guard/pipe/interceptor chain. It only maps HTTP to the use case.
 */
const contentTypes = new WeakMap<object, string | undefined>();

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
      // Fastify answers a syntactically invalid Content-Type (`json`, ``) with its own 415 before any handler,
      // which would skip our 404-first order, error shape and audit row. The header is taken off the request
      // here (Fastify then hands the body to the catch-all) and judged by the use case.
      scope.addHook('onRequest', (request, _reply, done) => {
        contentTypes.set(request.raw, request.headers['content-type']);
        delete request.headers['content-type'];
        done();
      });
      scope.post<{ Params: { provider: string; endpointId: string } }>('/webhooks/:provider/:endpointId', async (request, reply) => {
        const answer = await this.receive.execute({
          provider: request.params.provider,
          endpointId: request.params.endpointId,
          headers: request.headers,
          contentType: contentTypes.get(request.raw),
          body: request.raw,
          requestId: request.id,
          remoteAddress: request.ip,
        });
        if (answer.headers) void reply.headers(answer.headers);
        // No `Connection: close` here: Node destroys such a socket as soon as the answer is flushed, resetting
        // it while the client is still sending — and a reset can wipe the answer before the client reads it.
        if (answer.unread) discardRest(request.raw);
        return reply.code(answer.status).send(answer.body);
      });
      done();
    });
  }
}
