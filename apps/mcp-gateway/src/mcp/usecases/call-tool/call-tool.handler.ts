import { Inject, Injectable, Logger } from '@nestjs/common';
import { formatIssues } from '@junction/contracts';
import { CommandSubmitter } from '@junction/messaging';
import type { ApiKeyCaller } from '@junction/webhooks';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CommandResultWaiter } from '../../../results/command-result.waiter';
import { ToolCallRepository } from '../../calls/tool-call.repository';
import { CommandToolCatalog } from '../../tools/command-tool.catalog';
import { envelopeArgumentsSchema, type CommandTool } from '../../tools/command-tools';
import { FEDERATED_TOOLS, type FederatedTools } from '../../tools/federated-tools';
import { toolAllowed } from '../../tools/tool-allowlist';
import { ToolRateLimiter } from '../../tools/tool-rate-limiter';

export const CALL_TIMEOUT_MS = Symbol('MCP_CALL_TIMEOUT_MS');

export interface ToolCallRequest {
  readonly name: string;
  readonly arguments: Record<string, unknown>;
  /** The request's `_meta`: `timeoutMs` may shorten the wait for the answer. */
  readonly meta?: Record<string, unknown>;
  readonly signal: AbortSignal;
}

type Outcome = { result: CallToolResult; outcome: string; commandId?: string };

/**
 * One MCP tool call, Junction command or federated tool alike: the key's allowlist, the tool's shared rate limit,
 * then the call; every call, refused or not, leaves one audit row and one metrics row (never its arguments).
 *
 * A command tool validates its arguments against the command's contract (nothing is published when they fail),
 * submits the command through the outbox (the idempotency key, when given, is the command id, so a retried call
 * publishes once), and waits for its answer from any replica: the success event's payload, a `.failed` event as an
 * error result, or — when none arrives in time — a `pending` result naming the command to poll.
 */
@Injectable()
export class CallToolHandler {
  private readonly logger = new Logger(CallToolHandler.name);

  constructor(
    private readonly catalog: CommandToolCatalog,
    private readonly submitter: CommandSubmitter,
    private readonly waiter: CommandResultWaiter,
    private readonly rateLimiter: ToolRateLimiter,
    private readonly calls: ToolCallRepository,
    @Inject(FEDERATED_TOOLS) private readonly federated: FederatedTools,
    @Inject(CALL_TIMEOUT_MS) private readonly timeoutMs: number,
  ) {}

  async execute(caller: ApiKeyCaller, request: ToolCallRequest): Promise<CallToolResult> {
    const started = performance.now();
    let done: Outcome;
    try {
      done = await this.run(caller, request);
    } catch (error: unknown) {
      this.logger.error({ message: 'tool call failed', tool: request.name, error: (error as Error).message });
      done = { outcome: 'INTERNAL', result: refusal('INTERNAL', 'the call failed inside Junction; see its logs') };
    }
    const latencyMs = Math.round(performance.now() - started);
    try {
      await this.calls.record({ tool: request.name.slice(0, 200), tenantId: caller.tenantId, apiKeyId: caller.apiKeyId, outcome: done.outcome, latencyMs, commandId: done.commandId });
    } catch (error: unknown) {
      // The call happened: a lost audit row is logged, not turned into a failed call the client would retry.
      this.logger.error({ message: 'could not record the tool call', tool: request.name, commandId: done.commandId, error: (error as Error).message });
    }
    return done.result;
  }

  private async run(caller: ApiKeyCaller, request: ToolCallRequest): Promise<Outcome> {
    if (!toolAllowed(caller.mcpTools, request.name)) {
      return { outcome: 'TOOL_NOT_ALLOWED', result: refusal('TOOL_NOT_ALLOWED', `this API key may not call "${request.name}"`) };
    }
    const permit = await this.rateLimiter.take(request.name);
    if (!permit.granted) {
      return {
        outcome: 'RATE_LIMITED',
        result: refusal('RATE_LIMITED', `"${request.name}" is over its rate limit (${permit.rule}); retry in ${permit.retryAfterSeconds} s`, { retryAfterSeconds: permit.retryAfterSeconds }),
      };
    }
    const command = this.catalog.byName(request.name);
    if (command) return this.callCommand(caller, command, request);
    const result = await this.federated.call(caller.tenantId, request.name, request.arguments, request.signal);
    const code = result.isError ? codeOf(result) : 'ok';
    return { outcome: code, result };
  }

  private async callCommand(caller: ApiKeyCaller, command: CommandTool, request: ToolCallRequest): Promise<Outcome> {
    const { connectionId, idempotencyKey, ...payload } = request.arguments;
    const envelope = envelopeArgumentsSchema.safeParse({ connectionId, idempotencyKey });
    const parsed = command.payload.safeParse(payload);
    if (!envelope.success || !parsed.success) {
      const issues = [...(envelope.error?.issues ?? []), ...(parsed.error?.issues ?? [])];
      const message = [envelope.error, parsed.error].filter((e) => e !== undefined).map((e) => formatIssues(e)).join('; ');
      return { outcome: 'VALIDATION_FAILED', result: refusal('VALIDATION_FAILED', `invalid arguments: ${message}`, { issues: issues.map((i) => ({ path: i.path.map(String), message: i.message })) }) };
    }
    const submitted = await this.submitter.submit({
      type: command.commandType,
      payload,
      id: envelope.data.idempotencyKey?.toLowerCase(),
      tenantId: caller.tenantId,
      connectionId: envelope.data.connectionId,
    });
    if (!submitted.ok) return { outcome: submitted.code, result: refusal(submitted.code, submitted.message) };
    const { id: commandId, correlationId } = submitted.command;
    const answer = await this.waiter.wait(commandId, caller.tenantId, this.waitMs(request.meta), request.signal);
    if (!answer) {
      const pending = { status: 'pending', commandId, correlationId };
      return {
        outcome: 'pending',
        commandId,
        result: {
          content: [{ type: 'text', text: `${command.commandType} ${commandId} is accepted and not answered yet: poll GET /commands/${commandId}, or call again with idempotencyKey ${commandId}.` }],
          structuredContent: pending,
        },
      };
    }
    if (answer.outcome === 'failed') {
      const code = typeof answer.payload.code === 'string' ? answer.payload.code : 'COMMAND_FAILED';
      const message = typeof answer.payload.message === 'string' ? answer.payload.message : `${answer.eventType}`;
      return { outcome: code.slice(0, 100), commandId, result: refusal(code, message, { status: 'failed', commandId, eventType: answer.eventType, ...answer.payload }) };
    }
    return {
      outcome: 'ok',
      commandId,
      result: { content: [{ type: 'text', text: JSON.stringify({ eventType: answer.eventType, ...answer.payload }) }], structuredContent: answer.payload },
    };
  }

  /** MCP_CALL_TIMEOUT_MS, or less when the call's `_meta.timeoutMs` asks for less. */
  private waitMs(meta: Record<string, unknown> | undefined): number {
    const asked = meta?.timeoutMs;
    return typeof asked === 'number' && Number.isFinite(asked) && asked >= 0 ? Math.min(this.timeoutMs, asked) : this.timeoutMs;
  }
}

function refusal(code: string, message: string, detail: Record<string, unknown> = {}): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: `${code}: ${message}` }], structuredContent: { code, message, ...detail } };
}

function codeOf(result: CallToolResult): string {
  const code = (result.structuredContent as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code.slice(0, 100) : 'TOOL_ERROR';
}
