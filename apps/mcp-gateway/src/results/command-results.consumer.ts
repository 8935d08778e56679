import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { commandReplyTypes, type AnyMessage } from '@junction/contracts';
import { RecordCommandResultHandler } from './usecases/record-command-result/record-command-result.handler';

/** Every event that answers a command (Consumers' mcp-gateway entry lists the same types). Maps to the use case only. */
@Controller()
export class CommandResultsConsumer {
  constructor(private readonly record: RecordCommandResultHandler) {}

  @EventPattern(commandReplyTypes())
  async onAnswer(@Payload() event: AnyMessage): Promise<void> {
    await this.record.execute(event);
  }
}
