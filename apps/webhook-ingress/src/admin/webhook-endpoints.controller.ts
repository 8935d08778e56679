import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import { type ActorContext, type EndpointView, WebhookEndpointService } from '@junction/webhooks';
import { AdminActor } from './admin-actor.decorator';
import { AdminApiKeyGuard } from './admin-api-key.guard';
import { EndpointErrorInterceptor } from './endpoint-error.interceptor';

/** Webhook endpoints of the caller's tenant. Validation, tenancy and audit live in WebhookEndpointService. */
@Controller('admin/webhook-endpoints')
@UseGuards(AdminApiKeyGuard)
@UseInterceptors(EndpointErrorInterceptor)
export class WebhookEndpointsController {
  constructor(private readonly endpoints: WebhookEndpointService) {}

  @Post()
  @HttpCode(201)
  create(@AdminActor() actor: ActorContext, @Body() body: unknown): Promise<EndpointView> {
    return this.endpoints.create(actor, body);
  }

  @Get()
  async list(@AdminActor() actor: ActorContext): Promise<{ items: EndpointView[] }> {
    return { items: await this.endpoints.list(actor) };
  }

  @Get(':id')
  get(@AdminActor() actor: ActorContext, @Param('id') id: string): Promise<EndpointView> {
    return this.endpoints.get(actor, id);
  }

  @Patch(':id')
  update(@AdminActor() actor: ActorContext, @Param('id') id: string, @Body() body: unknown): Promise<EndpointView> {
    return this.endpoints.update(actor, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@AdminActor() actor: ActorContext, @Param('id') id: string): Promise<void> {
    return this.endpoints.remove(actor, id);
  }

  @Post(':id/secrets')
  @HttpCode(201)
  addSecret(@AdminActor() actor: ActorContext, @Param('id') id: string, @Body() body: unknown): Promise<EndpointView> {
    return this.endpoints.addSecret(actor, id, body);
  }

  @Delete(':id/secrets/:secretId')
  removeSecret(@AdminActor() actor: ActorContext, @Param('id') id: string, @Param('secretId') secretId: string): Promise<EndpointView> {
    return this.endpoints.removeSecret(actor, id, secretId);
  }
}
