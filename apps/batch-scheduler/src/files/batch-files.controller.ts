import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiKeyAuth, type ApiKeyCaller, Caller } from '@junction/webhooks';
import { GetBatchFileHandler } from './usecases/get-batch-file/get-batch-file.handler';
import { UploadBatchFileHandler, type UploadedBatchFile } from './usecases/upload-batch-file/upload-batch-file.handler';

/**
 * `POST /batch-files?name=` (body: the CSV, `Content-Type: text/csv`) → 201 {id, name, size, sha256, rows};
 * `GET /batch-files/:id` → the file (text/csv, as an attachment). The key's tenant only (admin scope).
 */
@Controller('batch-files')
@ApiKeyAuth('admin')
export class BatchFilesController {
  constructor(
    private readonly upload: UploadBatchFileHandler,
    private readonly get: GetBatchFileHandler,
  ) {}

  @Post()
  create(@Caller() caller: ApiKeyCaller, @Query() query: Record<string, unknown>, @Body() body: unknown): Promise<UploadedBatchFile> {
    return this.upload.execute(caller.tenantId, query, body);
  }

  @Get(':id')
  async download(@Caller() caller: ApiKeyCaller, @Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const file = await this.get.execute(caller.tenantId, id);
    void reply.header('content-type', `${file.contentType}; charset=utf-8`);
    void reply.header('content-disposition', `attachment; filename="${file.name.replace(/["\\\r\n]/g, '_')}"`);
    void reply.header('x-content-sha256', file.sha256);
    return Buffer.from(file.bytes);
  }
}
