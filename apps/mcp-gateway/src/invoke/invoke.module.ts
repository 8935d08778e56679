import { Module } from '@nestjs/common';
import { InvokeConsumer } from './invoke.consumer';
import { ToolDispatchRepository } from './tool-dispatch.repository';
import { InvokeToolHandler } from './usecases/invoke-tool/invoke-tool.handler';

/** `mcp.tool.invoke`: a tool of one of the tenant's MCP connections, called once per command. Needs ConnectionsModule. */
@Module({ controllers: [InvokeConsumer], providers: [InvokeToolHandler, ToolDispatchRepository] })
export class InvokeModule {}
