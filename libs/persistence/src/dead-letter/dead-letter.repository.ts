import { Injectable } from '@nestjs/common';
import type { DeadLetter, Prisma } from '../generated/prisma/client';
import { PrismaService, type Tx } from '../prisma/prisma.service';

export interface NewDeadLetterRow {
  messageId: string;
  topic: string;
  subscription: string;
  type: string;
  reason: string;
  description: string;
  deliveryCount: number;
  rawBody: string;
  headers: Prisma.InputJsonValue;
  deadLetteredAt?: Date;
}

export interface DeadLetterQuery {
  subscription?: string;
  limit: number;
}

/** Mirror of dead-lettered messages, for inspection and redrive when the broker cannot list them. */
@Injectable()
export class DeadLetterRepository {
  constructor(private readonly prisma: PrismaService) {}

  record(row: NewDeadLetterRow, tx: Tx = this.prisma): Promise<DeadLetter> {
    return tx.deadLetter.create({ data: row });
  }

  /** Newest first. */
  list(query: DeadLetterQuery): Promise<DeadLetter[]> {
    return this.prisma.deadLetter.findMany({
      where: query.subscription === undefined ? {} : { subscription: query.subscription },
      orderBy: [{ deadLetteredAt: 'desc' }, { id: 'asc' }],
      take: query.limit,
    });
  }
}
