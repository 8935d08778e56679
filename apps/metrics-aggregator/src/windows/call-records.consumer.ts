import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { MicroBatcher } from './call-record.batcher';
import type { CallRecordedMessage } from './usecases/record-call-batch/record-call-batch.handler';

export const CALL_RECORD_BATCHER = Symbol('CALL_RECORD_BATCHER');

/** integration.call.recorded (Consumers' metrics-aggregator entry lists the same type) → the batch writer. */
@Controller()
export class CallRecordsConsumer {
  constructor(@Inject(CALL_RECORD_BATCHER) private readonly batcher: MicroBatcher<CallRecordedMessage>) {}

  @EventPattern('integration.call.recorded')
  async onCall(@Payload() message: CallRecordedMessage): Promise<void> {
    await this.batcher.submit(message);
  }
}
