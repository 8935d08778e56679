import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { type ActorContext, endpointCreateSchema, endpointUpdateSchema, type EndpointView, secretAddSchema, WebhookEndpointService } from '@junction/webhooks';
import { ApiKeyAuth } from '../auth/api-key.guard';
import { Caller } from '../auth/caller.decorator';
import { ApiKeyDocs, ErrorResponse, ZodBody } from '../docs/openapi.schemas';
import { EndpointErrorInterceptor } from './endpoint-error.interceptor';

/** Webhook endpoints of the caller's tenant. Validation, tenancy and audit live in WebhookEndpointService. */
@ApiTags('webhook endpoints')
@ApiKeyDocs('admin')
@Controller('admin/webhook-endpoints')
@ApiKeyAuth('admin')
@UseInterceptors(EndpointErrorInterceptor)
export class WebhookEndpointsController {
  constructor(private readonly endpoints: WebhookEndpointService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a webhook endpoint (secrets are write-only)' })
  @ZodBody(endpointCreateSchema)
  @ErrorResponse(400, 'VALIDATION_FAILED')
  @ErrorResponse(409, 'ENDPOINT_EXISTS')
  create(@Caller() actor: ActorContext, @Body() body: unknown): Promise<EndpointView> {
    return this.endpoints.create(actor, body);
  }

  @Get()
  @ApiOperation({ summary: 'List the tenant’s webhook endpoints' })
  async list(@Caller() actor: ActorContext): Promise<{ items: EndpointView[] }> {
    return { items: await this.endpoints.list(actor) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One webhook endpoint (secret ids and dates only)' })
  @ErrorResponse(404, 'ENDPOINT_NOT_FOUND')
  get(@Caller() actor: ActorContext, @Param('id') id: string): Promise<EndpointView> {
    return this.endpoints.get(actor, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change settings (not secrets)' })
  @ZodBody(endpointUpdateSchema)
  @ErrorResponse(400, 'VALIDATION_FAILED')
  @ErrorResponse(404, 'ENDPOINT_NOT_FOUND')
  update(@Caller() actor: ActorContext, @Param('id') id: string, @Body() body: unknown): Promise<EndpointView> {
    return this.endpoints.update(actor, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete the endpoint and its secrets' })
  @ErrorResponse(404, 'ENDPOINT_NOT_FOUND')
  remove(@Caller() actor: ActorContext, @Param('id') id: string): Promise<void> {
    return this.endpoints.remove(actor, id);
  }

  @Post(':id/secrets')
  @HttpCode(201)
  @ApiOperation({ summary: 'Add a signing secret (rotation); the previous ones expire after expirePreviousAfterSeconds' })
  @ZodBody(secretAddSchema)
  @ErrorResponse(400, 'VALIDATION_FAILED')
  @ErrorResponse(404, 'ENDPOINT_NOT_FOUND')
  addSecret(@Caller() actor: ActorContext, @Param('id') id: string, @Body() body: unknown): Promise<EndpointView> {
    return this.endpoints.addSecret(actor, id, body);
  }

  @Delete(':id/secrets/:secretId')
  @ApiOperation({ summary: 'Delete one secret (not the last active one)' })
  @ErrorResponse(404, 'ENDPOINT_NOT_FOUND')
  @ErrorResponse(409, 'LAST_SECRET')
  removeSecret(@Caller() actor: ActorContext, @Param('id') id: string, @Param('secretId') secretId: string): Promise<EndpointView> {
    return this.endpoints.removeSecret(actor, id, secretId);
  }
}
