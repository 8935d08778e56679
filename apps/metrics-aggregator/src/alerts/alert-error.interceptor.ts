import { type CallHandler, type ExecutionContext, HttpException, Injectable, type NestInterceptor } from '@nestjs/common';
import { catchError, type Observable, throwError } from 'rxjs';
import { ManagementError } from '@junction/contracts';

/** ManagementError → HttpException `{ code, message }` with its status (the handlers also serve the CLI). */
@Injectable()
export class AlertErrorInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) =>
        throwError(() => (error instanceof ManagementError ? new HttpException({ code: error.code, message: error.message }, error.status, { cause: error }) : error)),
      ),
    );
  }
}
