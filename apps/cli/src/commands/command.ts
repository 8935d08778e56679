import type { CliRuntime } from '../cli-context';
import type { CommandArgs } from '../cli-args';
import type { CliEnv } from '../config/env';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly required?: boolean;
  /** Placeholder in the usage text (`--secret X`). */
  readonly value?: string;
  readonly help: string;
}

/** The `tenantId` commands act for and the audit actor (`cli`). */
export interface CliActor {
  readonly tenantId: string;
  readonly actor: string;
}

export interface CommandCall {
  readonly args: CommandArgs;
  readonly actor: CliActor;
  /** The CLI's parsed environment (bus settings for the topology commands). */
  readonly env: CliEnv;
  /** Opens the database (and the key ring) on first use: `keys generate` never does. */
  readonly runtime: Omit<CliRuntime, 'close'>;
  /** The variable `--secret-env NAME` names, from the environment the CLI was started with. */
  readVariable(name: string): string | undefined;
  readStdin(): Promise<string>;
  /** Live output while a command runs (`runs watch`): goes to stderr, so stdout keeps the final document. */
  progress(text: string): void;
}

/** What a command prints: `json` with --json, otherwise `text` lines on stdout; `notes` go to stderr either way. */
export interface CommandOutput {
  readonly json: unknown;
  readonly text: readonly string[];
  readonly notes?: readonly string[];
}

export interface CommandSpec {
  readonly group: string;
  readonly name: string;
  readonly summary: string;
  /** Required positionals, in order (usage shows them upper-case). */
  readonly positionals?: readonly string[];
  /** Positionals that may follow the required ones (usage shows them `[UPPER-CASE]`). */
  readonly optionalPositionals?: readonly string[];
  readonly options?: Readonly<Record<string, OptionSpec>>;
  run(call: CommandCall): Promise<CommandOutput>;
}
