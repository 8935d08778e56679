import { parseArgs } from 'node:util';
import { UsageError } from './cli-errors';
import type { CommandSpec, OptionSpec } from './commands/command';

/** Options every command takes. */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  json: { type: 'boolean', help: 'machine output: one JSON document on stdout' },
  tenant: { type: 'string', value: 'ID', help: 'tenant to act for (default: TENANT_ID, else "default")' },
  debug: { type: 'boolean', help: 'print the stack of an unexpected error' },
  help: { type: 'boolean', help: 'show usage' },
};

type Values = Record<string, string | boolean | string[] | undefined>;

/** Typed access to one command's parsed arguments; every conversion failure is a UsageError (exit 64). */
export class CommandArgs {
  constructor(
    private readonly values: Values,
    readonly positionals: readonly string[],
  ) {}

  string(name: string): string | undefined {
    const value = this.values[name];
    return typeof value === 'string' ? value : undefined;
  }

  strings(name: string): string[] {
    const value = this.values[name];
    return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  }

  flag(name: string): boolean {
    return this.values[name] === true;
  }

  int(name: string, range: { min: number; max: number }): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < range.min || value > range.max) {
      throw new UsageError(`--${name} must be a whole number from ${range.min} to ${range.max}`);
    }
    return value;
  }

  number(name: string, range: { min: number; max: number }): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value < range.min || value > range.max) {
      throw new UsageError(`--${name} must be a number from ${range.min} to ${range.max}`);
    }
    return value;
  }

  /** `--name` parsed as JSON (`what` names it in the error). */
  json(name: string, what: string): unknown {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    try {
      return JSON.parse(raw) as unknown;
    } catch (error: unknown) {
      throw new UsageError(`--${name}: ${what} is not valid JSON (${(error as Error).message})`);
    }
  }
}

export interface ParsedCommandLine {
  readonly spec: CommandSpec | undefined;
  /** `group command` as typed, for "unknown command" messages. */
  readonly words: readonly string[];
  readonly args: CommandArgs;
  readonly json: boolean;
  readonly help: boolean;
  readonly debug: boolean;
  readonly tenant: string | undefined;
}

/**
 * Two passes with node:util parseArgs: a lenient one over the options of every command (all commands give an
 * option name the same type) finds `group command` wherever global options sit, then a strict one with that
 * command's options rejects anything it does not take. parseArgs errors are usage errors.
 */
export function parseCommandLine(argv: readonly string[], specs: readonly CommandSpec[]): ParsedCommandLine {
  const everyOption = Object.assign({}, GLOBAL_OPTIONS, ...specs.map((s) => s.options ?? {})) as Record<string, OptionSpec>;
  const loose = run(argv, everyOption, false);
  const words = loose.positionals.slice(0, 2);
  const spec = specs.find((s) => s.group === words[0] && s.name === words[1]);
  const parsed = spec ? run(argv, { ...GLOBAL_OPTIONS, ...spec.options }, true) : loose;
  const values = parsed.values as Values;
  const positionals = parsed.positionals.slice(spec ? 2 : 0);
  const help = values.help === true;
  if (spec && !help) {
    const expected = spec.positionals ?? [];
    if (positionals.length < expected.length) throw new UsageError(`${spec.group} ${spec.name}: missing ${expected.slice(positionals.length).join(' ')}`);
    const missing = Object.entries(spec.options ?? {}).filter(([name, o]) => o.required && values[name] === undefined);
    if (missing.length > 0) throw new UsageError(`${spec.group} ${spec.name}: missing ${missing.map(([name]) => `--${name}`).join(', ')}`);
    // Not echoed: a secret typed without its --secret lands here.
    const most = expected.length + (spec.optionalPositionals?.length ?? 0);
    if (positionals.length > most) throw new UsageError(`${spec.group} ${spec.name}: takes ${most === expected.length ? most : `${expected.length} to ${most}`} argument(s), got ${positionals.length}`);
  }
  return {
    spec,
    words,
    args: new CommandArgs(values, positionals),
    json: values.json === true,
    help,
    debug: values.debug === true,
    tenant: typeof values.tenant === 'string' ? values.tenant : undefined,
  };
}

function run(argv: readonly string[], options: Record<string, OptionSpec>, strict: boolean) {
  try {
    return parseArgs({
      args: [...argv],
      options: Object.fromEntries(Object.entries(options).map(([name, o]) => [name, { type: o.type, ...(o.multiple ? { multiple: true } : {}) }])),
      allowPositionals: true,
      strict,
    });
  } catch (error: unknown) {
    // parseArgs messages name the option, never its value; their advice on `--` positionals does not apply here.
    const { code, message } = error as { code?: string; message: string };
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`${/^Unknown option '[^']*'/.exec(message)?.[0] ?? 'Unknown option'} (see --help)`);
    throw new UsageError(message.split('\n')[0]!);
  }
}
