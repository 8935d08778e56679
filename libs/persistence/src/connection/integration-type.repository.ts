import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';

/** integration_type: the catalog as code declared it at start. */
@Injectable()
export class IntegrationTypeRepository {
  constructor(private readonly prisma: PrismaService) {}
}
