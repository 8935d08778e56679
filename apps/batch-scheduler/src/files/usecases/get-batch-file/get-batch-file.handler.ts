import { Injectable, NotFoundException } from '@nestjs/common';
import type { BatchFile } from '@junction/persistence';
import { BatchFileRepository } from '../../batch-file.repository';

/** A batch file of the caller's tenant, with its bytes; 404 FILE_NOT_FOUND for any other (another tenant's too). */
@Injectable()
export class GetBatchFileHandler {
  constructor(private readonly files: BatchFileRepository) {}

  async execute(tenantId: string, id: string): Promise<BatchFile> {
    const file = await this.files.findInTenant(tenantId, id);
    if (!file) throw new NotFoundException({ code: 'FILE_NOT_FOUND', message: `batch file ${id} not found` });
    return file;
  }
}
