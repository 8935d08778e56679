import { type z } from 'zod';
import type { Topic } from '../topics/topics';

export type MessageKind = 'command' | 'event';

/**
 * One message type: its topic, the current version's payload schema and, for ordered handling, how to
 * derive the entity key (becomes the broker sessionId). Older versions a consumer still accepts are
 * listed in `previous` (consumers accept N and N-1).
 */
export interface MessageDefinition<TType extends string = string, TSchema extends z.ZodType = z.ZodType> {
  readonly type: TType;
  readonly kind: MessageKind;
  readonly topic: Topic;
  readonly version: number;
  readonly payload: TSchema;
  readonly previous?: Readonly<Record<number, z.ZodType>>;
  // A method, so that a definition of a specific payload is still a MessageDefinition (bivariant parameter).
  entityKey?(payload: z.infer<TSchema>): string;
  /** Commands (defineCommand): the event types that answer it; exactly one of them follows every command. */
  readonly replies?: { readonly succeeded: string; readonly failed: string };
}

export function defineMessage<const TType extends string, TSchema extends z.ZodType>(
  definition: MessageDefinition<TType, TSchema>,
): MessageDefinition<TType, TSchema> {
  return definition;
}

export type PayloadOf<D> = D extends MessageDefinition<string, infer S> ? z.infer<S> : never;
