import { Inject, Injectable } from '@nestjs/common';
import type { ApiKeyCaller } from '@junction/webhooks';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { CommandToolCatalog } from '../../tools/command-tool.catalog';
import { FEDERATED_TOOLS, type FederatedTools } from '../../tools/federated-tools';
import { toolAllowed } from '../../tools/tool-allowlist';

/** tools/list: Junction's commands, then the federated tools, each shown only when the key's allowlist admits it. */
@Injectable()
export class ListToolsHandler {
  constructor(
    private readonly catalog: CommandToolCatalog,
    @Inject(FEDERATED_TOOLS) private readonly federated: FederatedTools,
  ) {}

  async execute(caller: ApiKeyCaller): Promise<Tool[]> {
    const own = this.catalog.list();
    const names = new Set(own.map((t) => t.name));
    // A federated tool never shadows a command tool: calls by that name go to the command.
    const federated = (await this.federated.list(caller.tenantId)).filter((t) => !names.has(t.name));
    return [...own, ...federated].filter((t) => toolAllowed(caller.mcpTools, t.name));
  }
}
