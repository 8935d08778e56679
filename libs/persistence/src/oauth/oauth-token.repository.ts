import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';

/** oauth_token: a connection's sealed tokens and the refresh lease. */
@Injectable()
export class OAuthTokenRepository {
  constructor(private readonly prisma: PrismaService) {}
}
