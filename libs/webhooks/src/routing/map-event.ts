import { formatIssues, Messages, type MessageType, type PayloadOf, type webhooksReceived } from '@junction/contracts';
import type { CompiledRoute } from './compile-routes';
import { MappingError } from './routing.errors';

export type ReceivedWebhook = PayloadOf<typeof webhooksReceived>;

export interface MappedCommand {
  route: string;
  command: MessageType;
  /** Parsed by the command's payload schema (its output, e.g. trimmed strings). */
  payload: unknown;
}

/** More than this from one event is a mapping bug (e.g. a command per line item of a huge order), not a plan. */
export const defaultMaxCommandsPerEvent = 100;

/**
 * Runs every route whose globs match the event's type, in rule order: input = the provider payload,
 * `$event` = { id, type, provider, endpointId, receivedAt, headers }. A route yields one payload, an array of
 * them, or nothing. All or nothing: if any route fails (JSONata error or timeout, a payload its command
 * rejects, too many commands) it throws a MappingError and no command of the event is published, so a
 * redrive after the fix cannot publish some commands twice.
 */
export async function mapEvent(
  routes: readonly CompiledRoute[],
  event: ReceivedWebhook,
  options: { maxCommands?: number } = {},
): Promise<MappedCommand[]> {
  const maxCommands = options.maxCommands ?? defaultMaxCommandsPerEvent;
  const bindings = {
    event: { id: event.eventId, type: event.eventType, provider: event.provider, endpointId: event.endpointId, receivedAt: event.receivedAt, headers: event.headers },
  };
  const commands: MappedCommand[] = [];
  for (const route of routes) {
    if (!route.matches(event.eventType)) continue;
    const result = await route.evaluate(event.payload, bindings);
    if (!result.ok) {
      const where = result.position === undefined ? '' : ` at character ${result.position}`;
      throw new MappingError(`route "${route.name}": mapping failed${where}: ${result.code}: ${result.message}`, route.name);
    }
    const produced = result.value === undefined ? [] : Array.isArray(result.value) ? result.value : [result.value];
    if (commands.length + produced.length > maxCommands) {
      throw new MappingError(`route "${route.name}": event produced more than ${maxCommands} commands (the limit per event)`, route.name);
    }
    const schema = Messages[route.command].payload;
    produced.forEach((candidate, index) => {
      const parsed = schema.safeParse(candidate);
      if (!parsed.success) {
        const which = produced.length > 1 ? ` [${index}]` : '';
        throw new MappingError(`route "${route.name}": ${route.command} payload${which} rejected: ${formatIssues(parsed.error)}`, route.name);
      }
      commands.push({ route: route.name, command: route.command, payload: parsed.data });
    });
  }
  return commands;
}
