import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { PrometheusExporter } from './prometheus.exporter';

/**
 * `GET /metrics`: Prometheus text format. Unauthenticated like /health (a scrape target on the internal network, not
 * exposed through the ingress); it shows tenant ids and provider names, never payloads or secrets.
 */
@Controller('metrics')
export class PrometheusController {
  constructor(private readonly exporter: PrometheusExporter) {}

  @Get()
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const text = await this.exporter.render();
    void reply.header('content-type', this.exporter.contentType);
    return text;
  }
}
