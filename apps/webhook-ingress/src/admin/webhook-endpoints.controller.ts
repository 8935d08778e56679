import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseInterceptors } from '@nestjs/common';
import { type ActorContext, type EndpointView, WebhookEndpointService } from '@junction/webhooks';
import { ApiKeyAuth } from '../auth/api-key.guard';
import { Caller } from '../auth/caller.decorator';
import { EndpointErrorInterceptor } from './endpoint-error.interceptor';

/** Webhook endpoints of the caller's tenant. Validation, tenancy and audit live in WebhookEndpointService. */
@Controller('admin/webhook-endpoints')
@ApiKeyAuth('admin')
@UseInterceptors(EndpointErrorInterceptor)
export class WebhookEndpointsController {
  constructor(private readonly endpoints: WebhookEndpointService) {}

  @Post()
  @HttpCode(201)
  create(@Caller() actor: ActorContext, @Body() body: unknown): Promise<EndpointView> {
    return this.endpoints.create(actor, body);
  }

  @Get()
  async list(@Caller() actor: ActorContext): Promise<{ items: EndpointView[] }> {
    return { items: await this.endpoints.list(actor) };
  }

  @Get(':id')
  get(@Caller() actor: ActorContext, @Param('id') id: string): Promise<EndpointView> {
    return this.endpoints.get(actor, id);
  }

  @Patch(':id')
  update(@Caller() actor: ActorContext, @Param('id') id: string, @Body() body: unknown): Promise<EndpointView> {
    return this.endpoints.update(actor, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Caller() actor: ActorContext, @Param('id') id: string): Promise<void> {
    return this.endpoints.remove(actor, id);
  }

  @Post(':id/secrets')
  @HttpCode(201)
  addSecret(@Caller() actor: ActorContext, @Param('id') id: string, @Body() body: unknown): Promise<EndpointView> {
    return this.endpoints.addSecret(actor, id, body);
  }

  @Delete(':id/secrets/:secretId')
  removeSecret(@Caller() actor: ActorContext, @Param('id') id: string, @Param('secretId') secretId: string): Promise<EndpointView> {
    return this.endpoints.removeSecret(actor, id, secretId);
  }
}
