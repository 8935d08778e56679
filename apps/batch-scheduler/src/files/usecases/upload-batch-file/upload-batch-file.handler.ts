import { BadRequestException, Inject, Injectable, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import { z } from 'zod';
import { BatchJobError } from '../../../jobs/shared/batch-job.error';
import { countDataRows } from '../../../jobs/csv-import/csv-rows';
import { BATCH_JOBS_OPTIONS, type BatchJobsOptions } from '../../../jobs/shared/batch-publishing';
import { BatchFileRepository } from '../../batch-file.repository';

export const uploadQuerySchema = z.strictObject({
  /** The file's name as shown and downloaded (default `upload.csv`). */
  name: z
    .string()
    .trim()
    .regex(/^[\w .-]{1,120}$/, 'letters, digits, space, _ . - (at most 120)')
    .default('upload.csv'),
});

export interface UploadedBatchFile {
  readonly id: string;
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
  /** Data rows (header excluded). */
  readonly rows: number;
}

/**
 * A CSV into batch_file for the caller's tenant: refused when it is not a CSV body (415), empty, over
 * BATCH_FILE_MAX_BYTES (413), not UTF-8 or not parseable as CSV (400 CSV_MALFORMED, with the line). Its rows are
 * counted on the way (a streaming pass), so the uploader sees at once what an import will process.
 */
@Injectable()
export class UploadBatchFileHandler {
  constructor(
    private readonly files: BatchFileRepository,
    @Inject(BATCH_JOBS_OPTIONS) private readonly options: Pick<BatchJobsOptions, 'maxFileBytes'>,
  ) {}

  async execute(tenantId: string, query: unknown, body: unknown): Promise<UploadedBatchFile> {
    const parsed = uploadQuerySchema.safeParse(query ?? {});
    if (!parsed.success) throw new BadRequestException({ code: 'INVALID_QUERY', message: parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ') });
    if (!Buffer.isBuffer(body)) throw new UnsupportedMediaTypeException({ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the file as the body with Content-Type: text/csv' });
    if (body.byteLength === 0) throw new BadRequestException({ code: 'EMPTY_FILE', message: 'the file is empty' });
    if (body.byteLength > this.options.maxFileBytes) throw new PayloadTooLargeException({ code: 'FILE_TOO_LARGE', message: `the file is ${body.byteLength} bytes, over the limit of ${this.options.maxFileBytes}` });
    if (!isUtf8(body)) throw new BadRequestException({ code: 'CSV_NOT_UTF8', message: 'the file is not UTF-8 text (save the CSV as UTF-8)' });
    let rows: number;
    try {
      rows = await countDataRows(body);
    } catch (error) {
      if (error instanceof BatchJobError) throw new BadRequestException({ code: error.code, message: error.message });
      throw error;
    }
    const file = await this.files.save({ tenantId, name: parsed.data.name, bytes: body });
    return { id: file.id, name: file.name, size: file.size, sha256: file.sha256, rows };
  }
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
