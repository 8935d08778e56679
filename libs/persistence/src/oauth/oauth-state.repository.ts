import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';

/** oauth_state: pending authorizations (state, sealed PKCE verifier), single use. */
@Injectable()
export class OAuthStateRepository {
  constructor(private readonly prisma: PrismaService) {}
}
