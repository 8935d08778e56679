import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { MessageOf } from '@junction/contracts';
import { InvokeToolHandler } from './usecases/invoke-tool/invoke-tool.handler';

/** Maps messages to use cases; nothing else. */
@Controller()
export class InvokeConsumer {
  constructor(private readonly invokeTool: InvokeToolHandler) {}

  @EventPattern('mcp.tool.invoke')
  async onInvoke(@Payload() command: MessageOf<'mcp.tool.invoke'>): Promise<void> {
    await this.invokeTool.execute(command);
  }
}
