import type { IncomingMessage, RequestListener, Server } from 'node:http';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { ErrorCodes } from '@junction/contracts';
import { enterLogContext } from '@junction/telemetry';
import { discardRest } from './intake/body.reader';
import { ReceiveWebhookHandler } from './usecases/receive-webhook/receive-webhook.handler';

/** `POST /webhooks/<provider>/<endpointId>` (a query string is allowed); everything else is the Nest app's. */
const WEBHOOK_PATH = /^\/webhooks\/[^/?#]+\/[^/?#]+(?:\?|$)/;

const contentTypes = new WeakMap<object, string | undefined>();

/**
 * `POST /webhooks/:provider/:endpointId` is served by a Fastify instance of its own on the app's HTTP server,
 * not by Nest's: the hot path skips Nest's request hooks (503-on-close, CORS, security headers, middleware
 * routing: ~8% of bench:ingress) and its guard/pipe/interceptor chain. Every other request, and any request this
 * instance does not route, goes to the Nest app as before.
 *
 * The instance has no content-type parsers, so the body arrives as the untouched byte stream (signatures cover
 * the raw bytes; the size limit is the endpoint's, known only after the lookup). It only maps HTTP to the use
 * case.
 */
@Injectable()
export class WebhooksRoute implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(WebhooksRoute.name);
  // maxParamLength as the Nest app's (startApp): an overlong id reaches the use case and gets its 404.
  private readonly intake: FastifyInstance = Fastify({ logger: false, routerOptions: { maxParamLength: 1_024 } });

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly receive: ReceiveWebhookHandler,
  ) {}

  async onModuleInit(): Promise<void> {
    const server = this.adapterHost.httpAdapter.getInstance<FastifyInstance>().server as Server;
    const [nest, ...others] = server.listeners('request') as RequestListener[];
    if (!nest || others.length > 0) throw new Error(`expected one request listener on the HTTP server, found ${server.listenerCount('request')}`);

    this.register(nest);
    await this.intake.ready();
    server.removeListener('request', nest);
    server.on('request', (req: IncomingMessage, res) => (req.method === 'POST' && WEBHOOK_PATH.test(req.url ?? '') ? this.intake.routing(req, res) : nest(req, res)));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.intake.close();
  }

  private register(nest: RequestListener): void {
    const intake = this.intake;
    intake.removeAllContentTypeParsers();
    intake.addContentTypeParser('*', (_request, _payload, parsed) => parsed(null));
    // Fastify answers a syntactically invalid Content-Type (`json`, ``) with its own 415 before any handler,
    // which would skip our 404-first order, error shape and audit row. The header is taken off the request
    // here (Fastify then hands the body to the catch-all) and judged by the use case.
    intake.addHook('onRequest', (request, _reply, done) => {
      enterLogContext({ app: 'webhook-ingress' });
      contentTypes.set(request.raw, request.headers['content-type']);
      delete request.headers['content-type'];
      done();
    });
    // A path the router refuses (a segment over maxParamLength, say) is answered by the Nest app, as any other.
    intake.setNotFoundHandler((request, reply) => {
      void reply.hijack();
      nest(request.raw, reply.raw);
    });
    intake.setErrorHandler((error, _request, reply) => {
      this.logger.error(error);
      void reply.code(500).send({ code: ErrorCodes.internal, message: 'internal error' });
    });
    intake.post<{ Params: { provider: string; endpointId: string } }>('/webhooks/:provider/:endpointId', async (request, reply) => {
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
  }
}
