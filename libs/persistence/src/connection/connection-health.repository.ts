import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';

/** connection_health: one row per connection test. */
@Injectable()
export class ConnectionHealthRepository {
  constructor(private readonly prisma: PrismaService) {}
}
