import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { ActorContext } from '@junction/contracts';
import {
  connectionCreateSchema,
  type ConnectionHealthView,
  type ConnectionLogsView,
  ConnectionService,
  ConnectionStatuses,
  type ConnectionTestResult,
  connectionUpdateSchema,
  type ConnectionView,
  type ConnectResult,
  credentialRotateSchema,
} from '@junction/integrations';
import { ApiKeyAuth } from '../auth/api-key.guard';
import { Caller } from '../auth/caller.decorator';
import { ApiKeyDocs, connectionViewSchema, ErrorResponse, healthSchema, logsSchema, testResultSchema, ZodBody } from '../docs/openapi.schemas';
import { EndpointErrorInterceptor } from './endpoint-error.interceptor';

const NOT_FOUND = 'CONNECTION_NOT_FOUND (also for another tenant’s connection)';

/** The caller tenant's connections. Validation, tenancy, secrets and events live in ConnectionService. */
@ApiTags('connections')
@ApiKeyDocs('admin')
@Controller('admin/connections')
@ApiKeyAuth('admin')
@UseInterceptors(EndpointErrorInterceptor)
export class ConnectionsController {
  constructor(private readonly connections: ConnectionService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a connection', description: 'The credential is write-only: sealed in the vault, never returned. The first connection of a type becomes the tenant’s default.' })
  @ZodBody(connectionCreateSchema)
  @ApiCreatedResponse({ schema: connectionViewSchema })
  @ErrorResponse(400, 'VALIDATION_FAILED | UNKNOWN_INTEGRATION_TYPE | INTEGRATION_TYPE_INACTIVE | UNKNOWN_AUTH_METHOD | AUTH_METHOD_NOT_SUPPORTED | INVALID_CONFIG | INVALID_CREDENTIAL')
  @ErrorResponse(409, 'CONNECTION_NAME_TAKEN')
  create(@Caller() actor: ActorContext, @Body() body: unknown): Promise<ConnectionView> {
    return this.connections.create(actor, body);
  }

  @Get()
  @ApiOperation({ summary: 'List the tenant’s connections' })
  @ApiQuery({ name: 'type', required: false })
  @ApiQuery({ name: 'status', required: false, enum: [...ConnectionStatuses] })
  @ApiOkResponse({ schema: { type: 'object', properties: { items: { type: 'array', items: connectionViewSchema } } } })
  async list(@Caller() actor: ActorContext, @Query() query: Record<string, unknown>): Promise<{ items: ConnectionView[] }> {
    return { items: await this.connections.list(actor, query) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One connection' })
  @ApiOkResponse({ schema: connectionViewSchema })
  @ErrorResponse(404, NOT_FOUND)
  get(@Caller() actor: ActorContext, @Param('id') id: string): Promise<ConnectionView> {
    return this.connections.get(actor, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename, replace the config, or make it the default', description: 'The credential changes only through rotate-credential.' })
  @ZodBody(connectionUpdateSchema)
  @ApiOkResponse({ schema: connectionViewSchema })
  @ErrorResponse(400, 'VALIDATION_FAILED | INVALID_CONFIG')
  @ErrorResponse(404, NOT_FOUND)
  @ErrorResponse(409, 'CONNECTION_NAME_TAKEN')
  update(@Caller() actor: ActorContext, @Param('id') id: string, @Body() body: unknown): Promise<ConnectionView> {
    return this.connections.update(actor, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete the connection with its credential, tokens, events and health rows' })
  @ApiNoContentResponse()
  @ErrorResponse(404, NOT_FOUND)
  remove(@Caller() actor: ActorContext, @Param('id') id: string): Promise<void> {
    return this.connections.remove(actor, id);
  }

  @Post(':id/connect')
  @HttpCode(200)
  @ApiOperation({ summary: 'Test and mark connected (or error)', description: 'OAuth 2.0 connections connect in a browser: GET /oauth/{id}/authorize (409 until authorized).' })
  @ApiOkResponse({ schema: { type: 'object', properties: { connection: connectionViewSchema, test: testResultSchema } } })
  @ErrorResponse(404, NOT_FOUND)
  @ErrorResponse(409, 'OAUTH_AUTHORIZATION_REQUIRED')
  connect(@Caller() actor: ActorContext, @Param('id') id: string): Promise<ConnectResult> {
    return this.connections.connect(actor, id);
  }

  @Post(':id/disconnect')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop workers from using it; OAuth tokens are revoked' })
  @ApiOkResponse({ schema: connectionViewSchema })
  @ErrorResponse(404, NOT_FOUND)
  disconnect(@Caller() actor: ActorContext, @Param('id') id: string): Promise<ConnectionView> {
    return this.connections.disconnect(actor, id);
  }

  @Post(':id/test')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run the connection test', description: 'Always 200 with the result: a failed test is `ok: false` with an errorClass. Recorded as a health row and a `tested` event.' })
  @ApiOkResponse({ schema: testResultSchema })
  @ErrorResponse(404, NOT_FOUND)
  test(@Caller() actor: ActorContext, @Param('id') id: string): Promise<ConnectionTestResult> {
    return this.connections.test(actor, id);
  }

  @Post(':id/rotate-credential')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replace the credential without downtime', description: 'Calls in flight finish with the old secret; the next call uses the new one. The old credential row is deleted.' })
  @ZodBody(credentialRotateSchema)
  @ApiOkResponse({ schema: connectionViewSchema })
  @ErrorResponse(400, 'VALIDATION_FAILED | INVALID_CREDENTIAL')
  @ErrorResponse(404, NOT_FOUND)
  rotateCredential(@Caller() actor: ActorContext, @Param('id') id: string, @Body() body: unknown): Promise<ConnectionView> {
    return this.connections.rotateCredential(actor, id, body);
  }

  @Get(':id/logs')
  @ApiOperation({ summary: 'The connection’s event log, newest first' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } })
  @ApiQuery({ name: 'before', required: false, schema: { type: 'string', format: 'date-time' } })
  @ApiOkResponse({ schema: logsSchema })
  @ErrorResponse(404, NOT_FOUND)
  logs(@Caller() actor: ActorContext, @Param('id') id: string, @Query() query: Record<string, unknown>): Promise<ConnectionLogsView> {
    return this.connections.logs(actor, id, query);
  }

  @Get(':id/health')
  @ApiOperation({ summary: 'Health status with its reasons, and recent connection tests, newest first, with uptime and p50/p95 latency over them' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } })
  @ApiOkResponse({ schema: healthSchema })
  @ErrorResponse(404, NOT_FOUND)
  health(@Caller() actor: ActorContext, @Param('id') id: string, @Query() query: Record<string, unknown>): Promise<ConnectionHealthView> {
    return this.connections.health(actor, id, query);
  }
}
