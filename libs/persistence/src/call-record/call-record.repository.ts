import { Injectable } from '@nestjs/common';
import type { CallRecord } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';

export interface NewCallRecordRow {
  provider: string;
  connection?: string | null;
  operation: string;
  outcome: string;
  httpStatus?: number | null;
  latencyMs: number;
  attempt: number;
  breakerState?: string | null;
  correlationId?: string | null;
  messageId?: string | null;
  occurredAt?: Date;
}

/** One row per outbound provider call (raw; aggregated into metric windows elsewhere). */
@Injectable()
export class CallRecordRepository {
  constructor(private readonly prisma: PrismaService) {}

  record(row: NewCallRecordRow): Promise<CallRecord> {
    return this.prisma.callRecord.create({ data: row });
  }
}
