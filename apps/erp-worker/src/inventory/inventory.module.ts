import { Module } from '@nestjs/common';
import { InventoryConsumer } from './inventory.consumer';
import { CheckInventoryHandler } from './usecases/check-inventory/check-inventory.handler';
import { CreateStockEntryHandler } from './usecases/create-stock-entry/create-stock-entry.handler';
import { GetStockBalanceHandler } from './usecases/get-stock-balance/get-stock-balance.handler';

/** Inventory: item stock across warehouses, stock entries (receipt / issue / transfer), stock balance. */
@Module({
  controllers: [InventoryConsumer],
  providers: [CheckInventoryHandler, CreateStockEntryHandler, GetStockBalanceHandler],
})
export class InventoryModule {}
