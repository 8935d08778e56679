import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { COMMANDS_API_KEY } from './commands.tokens';

/** Bearer API key, compared in constant time on digests (no length leak). */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly expected?: Buffer;

  constructor(@Inject(COMMANDS_API_KEY) apiKey: string | null) {
    this.expected = apiKey ? digest(apiKey) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) throw new ForbiddenException({ code: 'COMMANDS_DISABLED', message: 'set JUNCTION_API_KEY to accept commands over HTTP' });
    const header = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match || !timingSafeEqual(digest(match[1]!), this.expected)) {
      throw new UnauthorizedException({ code: 'UNAUTHORIZED', message: 'missing or wrong API key (Authorization: Bearer <key>)' });
    }
    return true;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
