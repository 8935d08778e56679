import { Injectable } from '@nestjs/common';
import { LinkedInVersionSunsetError, type LinkedInCallOptions } from '@junction/connectors/linkedin';
import { UnresolvedConnectionError } from '@junction/integrations';
import { IntegrationError, ResiliencePipelines } from '@junction/resilience';
import type { LinkedInTarget } from './linkedin-connections';

/** The envelope fields a call carries into the pipeline. */
interface CommandRef {
  readonly id: string;
  readonly correlationId: string;
  readonly deadline?: string;
}

/**
 * Every LinkedIn call of a use case, through the resilience pipeline of its connection: the shared daily budget
 * (quota linkedin-daily: when exhausted, rate_limit with retryAfterMs until midnight UTC and the command is
 * rescheduled), breaker, timeouts bounded by the command's deadline, retries for idempotent calls.
 */
@Injectable()
export class LinkedInCalls {
  constructor(private readonly pipelines: ResiliencePipelines) {}

  async run<T>(
    command: CommandRef,
    target: LinkedInTarget,
    operation: string,
    signal: AbortSignal,
    call: (options: LinkedInCallOptions) => Promise<T>,
    idempotent = true,
  ): Promise<T> {
    try {
      return await this.pipelines.run(
        {
          provider: 'linkedin',
          connection: target.connection,
          operation,
          idempotent,
          deadline: command.deadline ? Date.parse(command.deadline) : undefined,
          correlationId: command.correlationId,
          messageId: command.id,
          signal,
        },
        (attempt) => call(attempt.requestOptions),
      );
    } catch (error) {
      // A deployment problem no retry and no command change can fix: dead-lettered (and answered), redriven once the
      // connection's config.version (or LINKEDIN_VERSION) names an active version.
      if (error instanceof LinkedInVersionSunsetError) throw new UnresolvedConnectionError('LINKEDIN_VERSION_SUNSET', error.message);
      throw error;
    }
  }
}

/** The organization a command acts on: its own, else its connection's; neither → rejected (answered `.failed`). */
export function organizationOf(requested: number | undefined, target: LinkedInTarget, operation: string): number {
  const id = requested ?? target.organizationId;
  if (id === undefined) {
    throw new IntegrationError('validation', `no organization: name organizationId in the command or set the connection's config.organizationUrn`, { provider: 'linkedin', operation });
  }
  return id;
}
