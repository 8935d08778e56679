import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { ErrorCodes } from '@junction/contracts';
import { enterLogContext, withHttpServerSpan } from '@junction/telemetry';
import { discardRest } from './intake/body.reader';
import { ReceiveWebhookHandler, type WebhookAnswer } from './usecases/receive-webhook/receive-webhook.handler';

/** `POST /webhooks/<provider>/<endpointId>` (a query string is allowed); everything else is the Nest app's. */
const WEBHOOK_PATH = /^\/webhooks\/([^/?#]+)\/([^/?#]+)(?:\?|$)/;
/** As the Nest app's router (startApp's maxParamLength): a longer segment is the Nest app's to answer. */
const MAX_SEGMENT = 1_024;

/**
 * `POST /webhooks/:provider/:endpointId` is answered by a plain Node request handler on the app's HTTP server,
 * ahead of the Nest app: the provider's hot path skips Nest's request hooks (503-on-close, CORS, security
 * headers, middleware routing) and a web framework's request/reply machinery, none of which a provider's POST
 * needs. In two paired bench:ingress A/Bs (8 pairs each) it served a median ×1.14 and ×1.05 the requests of the
 * Fastify instance it replaced, with 7–46 µs less server CPU per webhook in most pairs. Every other request, and
 * any webhook path this handler does not take (a malformed %-escape, a segment over 1 KiB), goes to the Nest app
 * as before.
 *
 * The body reaches the use case as the untouched byte stream: signatures cover the raw bytes, and the size
 * limit is the endpoint's, known only after the lookup. This class only maps HTTP to the use case.
 */
@Injectable()
export class WebhooksRoute implements OnModuleInit {
  private readonly logger = new Logger(WebhooksRoute.name);
  private requests = 0;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly receive: ReceiveWebhookHandler,
  ) {}

  onModuleInit(): void {
    const server = this.adapterHost.httpAdapter.getInstance<FastifyInstance>().server as Server;
    const [nest, ...others] = server.listeners('request') as RequestListener[];
    if (!nest || others.length > 0) throw new Error(`expected one request listener on the HTTP server, found ${server.listenerCount('request')}`);
    server.removeListener('request', nest);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const params = req.method === 'POST' ? webhookParams(req.url ?? '') : undefined;
      if (params) this.serve(req, res, params);
      else nest(req, res);
    });
  }

  private serve(req: IncomingMessage, res: ServerResponse, { provider, endpointId }: { provider: string; endpointId: string }): void {
    enterLogContext({ app: 'webhook-ingress' });
    // The SERVER span starts the webhook's trace: the outbox rows written under it carry it to the router and beyond.
    const span = { method: 'POST', route: '/webhooks/:provider/:endpointId', path: (req.url ?? '').split('?')[0]!, headers: req.headers, serverPort: req.socket.localPort };
    withHttpServerSpan(span, async () => {
      const answer = await this.receive
        .execute({
          provider,
          endpointId,
          headers: req.headers,
          contentType: req.headers['content-type'],
          body: req,
          requestId: `req-${(++this.requests).toString(36)}`,
          remoteAddress: req.socket.remoteAddress,
        })
        .catch((error: unknown): WebhookAnswer => {
          this.logger.error(error);
          return { status: 500, body: { code: ErrorCodes.internal, message: 'internal error' }, unread: true };
        });
      const body = JSON.stringify(answer.body);
      res.writeHead(answer.status, { ...answer.headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      // No `Connection: close` here: Node destroys such a socket as soon as the answer is flushed, resetting
      // it while the client is still sending — and a reset can wipe the answer before the client reads it.
      if (answer.unread) discardRest(req);
      res.end(body);
      return answer.status;
    }).catch((error: unknown) => this.logger.error(error));
  }
}

/** The decoded path parameters of a webhook URL, or undefined when the Nest app should answer it. */
export function webhookParams(url: string): { provider: string; endpointId: string } | undefined {
  const match = WEBHOOK_PATH.exec(url);
  if (!match || match[1]!.length > MAX_SEGMENT || match[2]!.length > MAX_SEGMENT) return undefined;
  try {
    return { provider: decodeURIComponent(match[1]!), endpointId: decodeURIComponent(match[2]!) };
  } catch {
    return undefined; // a malformed %-escape
  }
}
