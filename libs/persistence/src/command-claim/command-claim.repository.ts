import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';

/** command_claim: the effect step's committed lease on a command. */
@Injectable()
export class CommandClaimRepository {
  constructor(private readonly prisma: PrismaService) {}
}
