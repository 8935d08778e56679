/**
 * One server's tools, as last listed: looked up by name, each with its input schema compiled once (Ajv, JSON Schema
 * 2020-12; draft-07 schemas, which most servers still send, validate the same for the keywords tools use). Emptied
 * when the server says its list changed; the next use lists again.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';

interface Entry {
  readonly tool: Tool;
  validate?: ValidateFunction;
}

export class ToolCatalog {
  // strict: false — a server's schema may carry keywords Ajv does not know (examples, x-…); they are not ours to refuse.
  private readonly ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true });
  private entries?: Map<string, Entry>;
  private loading?: Promise<Map<string, Entry>>;
  /** Bumped by invalidate(), so a list that was in flight when the server changed its tools is not kept. */
  private generation = 0;

  constructor() {
    addFormats(this.ajv);
  }

  /** The tools, listing them with `load` when none are cached. Concurrent callers share one listing. */
  async tools(load: () => Promise<Tool[]>): Promise<Tool[]> {
    return [...(await this.map(load)).values()].map((e) => e.tool);
  }

  /** One tool; undefined when the server does not list it (after one fresh listing if the cache had it missing). */
  async find(name: string, load: () => Promise<Tool[]>): Promise<Tool | undefined> {
    const cached = (await this.map(load)).get(name);
    if (cached) return cached.tool;
    this.invalidate();
    return (await this.map(load)).get(name)?.tool;
  }

  /** The arguments' problems against the tool's input schema, or undefined when they satisfy it. */
  check(tool: Tool, args: Record<string, unknown>): string | undefined {
    const entry = this.entries?.get(tool.name) ?? { tool };
    if (!entry.validate) {
      const { $schema: _ignored, ...schema } = tool.inputSchema as Record<string, unknown>;
      try {
        entry.validate = this.ajv.compile(schema);
      } catch (error) {
        // A schema Ajv cannot compile is the server's bug: say so rather than call with unchecked arguments.
        return `the tool's input schema is not valid JSON Schema (${error instanceof Error ? error.message.slice(0, 200) : 'compile failed'})`;
      }
    }
    return entry.validate(args) ? undefined : describe(entry.validate.errors ?? []);
  }

  invalidate(): void {
    this.generation++;
    this.entries = undefined;
    this.loading = undefined;
  }

  private map(load: () => Promise<Tool[]>): Promise<Map<string, Entry>> {
    if (this.entries) return Promise.resolve(this.entries);
    if (this.loading) return this.loading;
    const generation = this.generation;
    const loading = load().then(
      (tools) => {
        const entries = new Map(tools.map((tool) => [tool.name, { tool }] as const));
        if (this.generation === generation) {
          this.entries = entries;
          this.loading = undefined;
        }
        return entries;
      },
      (error: unknown) => {
        if (this.loading === loading) this.loading = undefined;
        throw error;
      },
    );
    this.loading = loading;
    return loading;
  }
}

/** Ajv's errors as one line: `arguments.a: must be number; arguments: must have required property 'b'`. */
function describe(errors: ErrorObject[]): string {
  return errors
    .slice(0, 5)
    .map((e) => `arguments${e.instancePath.replace(/\//g, '.')}: ${e.message ?? 'is invalid'}`)
    .join('; ');
}
