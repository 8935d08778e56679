import { Controller, Get, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { IntegrationCatalog, IntegrationKinds, type IntegrationTypeView } from '@junction/integrations';
import { ApiKeyAuth } from '../auth/api-key.guard';
import { ApiKeyDocs, ErrorResponse, integrationTypeSchema } from '../docs/openapi.schemas';
import { EndpointErrorInterceptor } from './endpoint-error.interceptor';

/** The integration catalog (the same for every tenant; the admin scope is still required). */
@ApiTags('integration types')
@ApiKeyDocs('admin')
@Controller('admin/integration-types')
@ApiKeyAuth('admin')
@UseInterceptors(EndpointErrorInterceptor)
export class IntegrationTypesController {
  constructor(private readonly catalog: IntegrationCatalog) {}

  @Get()
  @ApiOperation({ summary: 'Search the catalog', description: 'Active types; `q` matches slug, name, description and category (case-insensitive).' })
  @ApiQuery({ name: 'q', required: false, description: 'text' })
  @ApiQuery({ name: 'kind', required: false, enum: [...IntegrationKinds] })
  @ApiQuery({ name: 'category', required: false, description: 'erp, crm, social, commerce, devtools …' })
  @ApiOkResponse({ schema: { type: 'object', properties: { items: { type: 'array', items: integrationTypeSchema } } } })
  async search(@Query('q') q?: string, @Query('kind') kind?: string, @Query('category') category?: string): Promise<{ items: IntegrationTypeView[] }> {
    return { items: await this.catalog.search({ q: text(q), kind: text(kind), category: text(category) }) };
  }

  @Get(':slug')
  @ApiOperation({ summary: 'One type with its config JSON Schema and auth methods' })
  @ApiOkResponse({ schema: integrationTypeSchema })
  @ErrorResponse(404, 'UNKNOWN_INTEGRATION_TYPE')
  get(@Param('slug') slug: string): Promise<IntegrationTypeView> {
    return this.catalog.get(slug);
  }
}

/** A repeated query parameter arrives as an array: take the first. */
function text(value: unknown): string | undefined {
  const first = Array.isArray(value) ? (value[0] as unknown) : value;
  return typeof first === 'string' && first !== '' ? first : undefined;
}
