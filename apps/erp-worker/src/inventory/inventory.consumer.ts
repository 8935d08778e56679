import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { MessageOf } from '@junction/contracts';
import { CheckInventoryHandler } from './usecases/check-inventory/check-inventory.handler';
import { CreateStockEntryHandler } from './usecases/create-stock-entry/create-stock-entry.handler';
import { GetStockBalanceHandler } from './usecases/get-stock-balance/get-stock-balance.handler';

/** Maps messages to use cases; nothing else. */
@Controller()
export class InventoryConsumer {
  constructor(
    private readonly checkInventory: CheckInventoryHandler,
    private readonly createStockEntry: CreateStockEntryHandler,
    private readonly getStockBalance: GetStockBalanceHandler,
  ) {}

  @EventPattern('erp.inventory.check')
  async onCheck(@Payload() command: MessageOf<'erp.inventory.check'>): Promise<void> {
    await this.checkInventory.execute(command);
  }

  @EventPattern('erp.stock-entry.create')
  async onStockEntry(@Payload() command: MessageOf<'erp.stock-entry.create'>): Promise<void> {
    await this.createStockEntry.execute(command);
  }

  @EventPattern('erp.stock-balance.get')
  async onStockBalance(@Payload() command: MessageOf<'erp.stock-balance.get'>): Promise<void> {
    await this.getStockBalance.execute(command);
  }
}
