import { Injectable } from '@nestjs/common';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { commandTools, type CommandTool } from './command-tools';

/** Junction's commands as tools, built once at start (the registry is code). */
@Injectable()
export class CommandToolCatalog {
  private readonly tools = commandTools();
  private readonly byToolName = new Map(this.tools.map((t) => [t.name, t]));

  list(): Tool[] {
    return this.tools.map((t) => t.tool);
  }

  byName(name: string): CommandTool | undefined {
    return this.byToolName.get(name);
  }
}
