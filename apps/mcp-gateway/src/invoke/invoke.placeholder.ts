import { Controller, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { MessageOf } from '@junction/contracts';

/**
 * PLACEHOLDER until the invoke module (libs/mcp's client) lands: JunctionServer refuses to start an app whose
 * handlers differ from its Consumers entry, and mcp-gateway's lists `mcp.tool.invoke`. Until then every such command
 * is dead-lettered at once with a reason that says why (redrive them once the real handler is deployed).
 * Replace this file, and InvokePlaceholderModule in app.definition.ts, with src/invoke/.
 */
@Controller()
export class InvokePlaceholderConsumer {
  @EventPattern('mcp.tool.invoke')
  onInvoke(@Payload() command: MessageOf<'mcp.tool.invoke'>): Promise<void> {
    return Promise.reject(
      Object.assign(new Error(`mcp.tool.invoke is not implemented in this mcp-gateway yet (command ${command.id}, tool ${command.payload.tool}); redrive once it is`), {
        code: 'NOT_IMPLEMENTED',
        retryable: false,
        errorClass: 'internal',
      }),
    );
  }
}

@Module({ controllers: [InvokePlaceholderConsumer] })
export class InvokePlaceholderModule {}
