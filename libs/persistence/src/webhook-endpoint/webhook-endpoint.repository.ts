import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';

/** webhook_endpoint with its secrets (webhook_secret → credential). */
@Injectable()
export class WebhookEndpointRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * What the ingress hot path needs to verify a request: the endpoint and its unexpired secrets, still sealed.
   * Null when there is no such endpoint or it is disabled.
   */
  async findForIngress(id: string) {
    const endpoint = await this.prisma.webhookEndpoint.findUnique({
      where: { id },
      include: {
        secrets: {
          where: { OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
          include: { credential: true },
          orderBy: { createdAt: 'desc' },
        },
      },
    });
    return endpoint && !endpoint.disabledAt ? endpoint : null;
  }
}
