import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { ActorContext } from '@junction/contracts';
import { type DeadLetterActionResult, DeadLetterAdmin, type DeadLetterDetail, deadLetterSelectionSchema, type DeadLetterSummary } from '@junction/messaging';
import { ApiKeyAuth } from '../auth/api-key.guard';
import { Caller } from '../auth/caller.decorator';
import { ApiKeyDocs, ErrorResponse, ZodBody } from '../docs/openapi.schemas';
import { EndpointErrorInterceptor } from './endpoint-error.interceptor';

const summary = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    messageId: { type: 'string' },
    topic: { type: 'string' },
    subscription: { type: 'string' },
    type: { type: 'string' },
    reason: { type: 'string' },
    deliveryCount: { type: 'integer' },
    deadLetteredAt: { type: 'string', format: 'date-time' },
    redrivenAt: { type: 'string', format: 'date-time', nullable: true },
  },
} as const;
const TRANSPORTS: string[] = ['memory', 'rabbitmq', 'servicebus'];
const actionResult = {
  type: 'object',
  properties: {
    dryRun: { type: 'boolean' },
    transport: { type: 'string', enum: TRANSPORTS, description: 'the bus it went through (absent on a dry run)' },
    matched: { type: 'integer' },
    remaining: { type: 'integer', description: 'matching rows left for another call (at most 1000 are handled per call)' },
    items: { type: 'array', items: summary },
    removedFromBroker: { type: 'integer' },
    brokerError: { type: 'string', description: 'the broker DLQ step failed: the mirror is done, the DLQ copy stays' },
  },
} as const;
const SELECTION = 'Exactly one of `ids`, `filter` {topic, subscription, type, reason, since} or `all: true`; `dryRun: true` only reports what would be done.';

/**
 * Dead letters of the caller's tenant (those whose envelope names it), from the `dead_letter` mirror and the broker's
 * DLQ. Everything else lives in DeadLetterAdmin.
 */
@ApiTags('dead-letters')
@ApiKeyDocs('admin')
@Controller('admin/dead-letters')
@ApiKeyAuth('admin')
@UseInterceptors(EndpointErrorInterceptor)
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLetterAdmin) {}

  @Get()
  @ApiOperation({ summary: 'List dead letters, newest first (no bodies)' })
  @ApiQuery({ name: 'topic', required: false })
  @ApiQuery({ name: 'subscription', required: false })
  @ApiQuery({ name: 'type', required: false })
  @ApiQuery({ name: 'reason', required: false })
  @ApiQuery({ name: 'since', required: false, description: 'ISO date-time' })
  @ApiQuery({ name: 'state', required: false, enum: ['open', 'redriven', 'any'] })
  @ApiQuery({ name: 'limit', required: false, description: '1–500, default 50' })
  @ApiQuery({ name: 'offset', required: false })
  @ApiOkResponse({ schema: { type: 'object', properties: { total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' }, items: { type: 'array', items: summary } } } })
  @ErrorResponse(400, 'VALIDATION_FAILED')
  list(@Caller() actor: ActorContext, @Query() query: Record<string, unknown>): Promise<{ total: number; items: DeadLetterSummary[] }> {
    return this.deadLetters.list(actor, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One dead letter: reason, description, delivery count, headers (secret-bearing ones redacted), the body as stored' })
  @ApiOkResponse({
    schema: { ...summary, properties: { ...summary.properties, description: { type: 'string' }, headers: { type: 'object', additionalProperties: { type: 'string' } }, rawBody: { type: 'string' } } },
  })
  @ErrorResponse(404, 'DEAD_LETTER_NOT_FOUND')
  show(@Caller() actor: ActorContext, @Param('id') id: string): Promise<DeadLetterDetail> {
    return this.deadLetters.show(actor, id);
  }

  @Post('redrive')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Redrive: republish to its topic with the same message id',
    description: `${SELECTION} A filter or all takes only rows not redriven yet. Consumers that already handled a message acknowledge it without effect.`,
  })
  @ZodBody(deadLetterSelectionSchema)
  @ApiOkResponse({ schema: actionResult })
  @ErrorResponse(400, 'VALIDATION_FAILED')
  @ErrorResponse(404, 'DEAD_LETTER_NOT_FOUND')
  redrive(@Caller() actor: ActorContext, @Body() body: unknown): Promise<DeadLetterActionResult> {
    return this.deadLetters.redrive(actor, body);
  }

  @Delete()
  @HttpCode(200)
  @ApiOperation({ summary: 'Purge: delete mirror rows and their broker DLQ copies', description: SELECTION })
  @ZodBody(deadLetterSelectionSchema)
  @ApiOkResponse({ schema: actionResult })
  @ErrorResponse(400, 'VALIDATION_FAILED')
  @ErrorResponse(404, 'DEAD_LETTER_NOT_FOUND')
  purge(@Caller() actor: ActorContext, @Body() body: unknown): Promise<DeadLetterActionResult> {
    return this.deadLetters.purge(actor, body);
  }
}
