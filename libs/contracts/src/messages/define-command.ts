import { z } from 'zod';
import type { Topic } from '../topics/topics';
import { defineMessage, type MessageDefinition } from './define-message';

/**
 * What every `<command>.failed` event carries, whoever raised it: the use case (the provider rejected the data) or
 * the consumer when it dead-lettered the command (retries exhausted, credentials rejected, the command invalid).
 * Upstream publishers switch on `code`; `message` is for people and never holds a secret.
 */
export const commandFailedPayload = z.strictObject({
  commandId: z.uuid(),
  commandType: z.string().min(1).max(200),
  /**
   * Stable code: the provider's class code (PROVIDER_VALIDATION, PROVIDER_CONFLICT, PROVIDER_NOT_FOUND …) from a use
   * case; from a dead letter RETRIES_EXHAUSTED, AUTH_REJECTED, VALIDATION_FAILED, or the connection's code
   * (CONNECTION_NOT_FOUND, REAUTH_REQUIRED …).
   */
  code: z.string().min(1).max(100),
  /** The error taxonomy's class (validation, conflict, auth, server …), or `invalid` / `internal` for our own. */
  errorClass: z.string().min(1).max(50),
  message: z.string().max(2_000),
  /** True when the command was dead-lettered (an operator can redrive it once the cause is fixed). */
  deadLettered: z.boolean(),
});
export type CommandFailedPayload = z.infer<typeof commandFailedPayload>;

export interface CommandSpec<C extends string, S extends string, CS extends z.ZodType, SS extends z.ZodType> {
  readonly type: C;
  readonly topic: Topic;
  /** Where the success and failure events go (`<domain>.events`). */
  readonly eventTopic: Topic;
  readonly payload: CS;
  readonly version?: number;
  readonly previous?: Readonly<Record<number, z.ZodType>>;
  readonly entityKey?: (payload: z.infer<CS>) => string;
  /** The success event: past tense (`erp.customer.created`). */
  readonly succeeded: { readonly type: S; readonly payload: SS; readonly version?: number; readonly previous?: Readonly<Record<number, z.ZodType>> };
  /** Only for a failure event that predates the common payload: its version and the older schemas still accepted. */
  readonly failed?: { readonly version: number; readonly previous: Readonly<Record<number, z.ZodType>> };
}

export interface CommandDefinitions<C extends string, S extends string, CS extends z.ZodType, SS extends z.ZodType> {
  readonly command: MessageDefinition<C, CS> & { readonly replies: { readonly succeeded: S; readonly failed: `${C}.failed` } };
  readonly succeeded: MessageDefinition<S, SS>;
  readonly failed: MessageDefinition<`${C}.failed`, typeof commandFailedPayload>;
}

/**
 * A command and its two answers: exactly one of `succeeded` or `<type>.failed` follows every command. The command's
 * definition names both (`replies`), so a consumer that dead-letters it can still answer.
 */
export function defineCommand<const C extends string, const S extends string, CS extends z.ZodType, SS extends z.ZodType>(
  spec: CommandSpec<C, S, CS, SS>,
): CommandDefinitions<C, S, CS, SS> {
  const failedType = `${spec.type}.failed` as const;
  return {
    command: defineMessage({
      type: spec.type,
      kind: 'command',
      topic: spec.topic,
      version: spec.version ?? 1,
      payload: spec.payload,
      previous: spec.previous,
      entityKey: spec.entityKey,
      replies: { succeeded: spec.succeeded.type, failed: failedType },
    }) as CommandDefinitions<C, S, CS, SS>['command'],
    succeeded: defineMessage({
      type: spec.succeeded.type,
      kind: 'event',
      topic: spec.eventTopic,
      version: spec.succeeded.version ?? 1,
      payload: spec.succeeded.payload,
      previous: spec.succeeded.previous,
    }),
    failed: defineMessage({
      type: failedType,
      kind: 'event',
      topic: spec.eventTopic,
      version: spec.failed?.version ?? 1,
      previous: spec.failed?.previous,
      payload: commandFailedPayload,
    }),
  };
}

type Definitions = readonly MessageDefinition[];
export type ByType<D extends Definitions> = { readonly [K in D[number] as K['type']]: K };

/** Definitions keyed by their type, for the registry: `messagesByType(...definitionsOf(x), y)`. */
export function messagesByType<const D extends Definitions>(...definitions: D): ByType<D> {
  return Object.fromEntries(definitions.map((d) => [d.type, d])) as ByType<D>;
}

/** The command and its two answers, as a list for `messagesByType`. */
export function definitionsOf<const C extends string, const S extends string, CS extends z.ZodType, SS extends z.ZodType>(
  defs: CommandDefinitions<C, S, CS, SS>,
): readonly [CommandDefinitions<C, S, CS, SS>['command'], MessageDefinition<S, SS>, MessageDefinition<`${C}.failed`, typeof commandFailedPayload>] {
  return [defs.command, defs.succeeded, defs.failed] as const;
}
