import { Inject, Injectable } from '@nestjs/common';
import { MESSAGING_OPTIONS, type MessagingModuleOptions } from '@junction/messaging';
import { PrismaService } from '@junction/persistence';

/** The effect-ledger operation of a dispatch mark (the command's outcome is recorded under `tool.call`). */
export const TOOL_DISPATCH_OPERATION = 'tool.dispatch';

export interface ToolDispatch {
  readonly commandId: string;
  readonly connectionId: string;
  readonly tool: string;
}

/**
 * Dispatch marks of non-idempotent tool calls, in effect_ledger (outcome `dispatched`): written and committed
 * before `tools/call` is sent, so that whichever delivery of the command comes next knows a call may have run. The
 * mark is taken with one INSERT … ON CONFLICT DO NOTHING: false means a previous delivery got that far and its
 * outcome was never recorded (a crash, a lost lease, a lost commit). A call that certainly never reached the tool
 * (refused arguments, no session, breaker open) takes its mark back.
 */
@Injectable()
export class ToolDispatchRepository {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(MESSAGING_OPTIONS) private readonly messaging: MessagingModuleOptions,
  ) {}

  /** True when this call took the mark; false when a previous delivery holds it. */
  async mark(dispatch: ToolDispatch): Promise<boolean> {
    const { count } = await this.prisma.effectLedger.createMany({
      data: [
        {
          commandId: dispatch.commandId,
          consumer: this.messaging.consumer,
          provider: 'mcp',
          operation: TOOL_DISPATCH_OPERATION,
          naturalKey: dispatch.tool,
          externalRef: dispatch.connectionId,
          outcome: 'dispatched',
        },
      ],
      skipDuplicates: true,
    });
    return count === 1;
  }

  async unmark(commandId: string): Promise<void> {
    await this.prisma.effectLedger.deleteMany({ where: { consumer: this.messaging.consumer, commandId, operation: TOOL_DISPATCH_OPERATION } });
  }
}
