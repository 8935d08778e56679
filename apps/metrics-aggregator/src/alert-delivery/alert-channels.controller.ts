import { type CallHandler, Body, Controller, Delete, Get, HttpCode, HttpException, Injectable, type NestInterceptor, Param, Post, UseInterceptors } from '@nestjs/common';
import { catchError, type Observable, throwError } from 'rxjs';
import { ManagementError } from '@junction/contracts';
import { ApiKeyAuth, type ApiKeyCaller, Caller } from '@junction/webhooks';
import { AlertChannelAdmin } from './alert-channel.admin';
import type { AlertChannelCreated, AlertChannelTestResult, AlertChannelView } from './alert-channel.types';

/** AlertChannelError (a ManagementError) → `{ code, message }` with its status, rendered by the app's HttpErrorFilter. */
@Injectable()
export class AlertChannelErrorInterceptor implements NestInterceptor {
  intercept(_context: unknown, next: CallHandler): Observable<unknown> {
    return next
      .handle()
      .pipe(catchError((error: unknown) => throwError(() => (error instanceof ManagementError ? new HttpException({ code: error.code, message: error.message }, error.status, { cause: error }) : error))));
  }
}

/**
 * The key's tenant's alert channels (admin scope): `POST /alert-channels` (201 `{channel, signingSecret?}`),
 * `GET /alert-channels`, `DELETE /alert-channels/:id` (204), `POST /alert-channels/:id/test` (200 with the
 * receiver's answer). 400 VALIDATION_FAILED | INVALID_URL | INVALID_SECRET, 404 CHANNEL_NOT_FOUND, 409 CHANNEL_NAME_TAKEN.
 */
@Controller('alert-channels')
@ApiKeyAuth('admin')
@UseInterceptors(AlertChannelErrorInterceptor)
export class AlertChannelsController {
  constructor(private readonly admin: AlertChannelAdmin) {}

  @Post()
  @HttpCode(201)
  create(@Caller() caller: ApiKeyCaller, @Body() body: unknown): Promise<AlertChannelCreated> {
    return this.admin.create(caller, body);
  }

  @Get()
  async list(@Caller() caller: ApiKeyCaller): Promise<{ items: AlertChannelView[] }> {
    return { items: await this.admin.list(caller) };
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Caller() caller: ApiKeyCaller, @Param('id') id: string): Promise<void> {
    return this.admin.remove(caller, id);
  }

  @Post(':id/test')
  @HttpCode(200)
  test(@Caller() caller: ApiKeyCaller, @Param('id') id: string): Promise<AlertChannelTestResult> {
    return this.admin.test(caller, id);
  }
}

