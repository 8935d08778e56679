import { Logger, type LoggerService } from '@nestjs/common';
import { parseCommandLine, type ParsedCommandLine } from './cli-args';
import { createCliRuntime, type CliRuntime } from './cli-context';
import { describeFailure, ExitCodes, UsageError } from './cli-errors';
import { alertChannelCommands } from './commands/alert-channels.command';
import { alertCommands } from './commands/alerts.command';
import { apiKeyCommands } from './commands/api-keys.command';
import type { CommandSpec } from './commands/command';
import { connectionCommands } from './commands/connections.command';
import { endpointCommands } from './commands/endpoints.command';
import { keyCommands } from './commands/keys.command';
import { outboxCommands } from './commands/outbox.command';
import { deadLetterCommands } from './commands/dead-letters.command';
import { retentionCommands } from './commands/retention.command';
import { batchCommands } from './commands/batch.command';
import { runCommands } from './commands/runs.command';
import { scheduleCommands } from './commands/schedules.command';
import { topologyCommands } from './commands/topology.command';
import { type CliEnv, parseCliEnv } from './config/env';
import { usage } from './usage';

export const COMMANDS: readonly CommandSpec[] = [...endpointCommands, ...connectionCommands, ...apiKeyCommands, ...keyCommands, ...topologyCommands, ...outboxCommands, ...deadLetterCommands, ...alertCommands, ...retentionCommands, ...scheduleCommands, ...runCommands, ...batchCommands, ...alertChannelCommands];

/** The audit trail's actor for everything done from the command line. */
export const CLI_ACTOR = 'cli';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): Promise<string>;
}

export interface CliOptions {
  io: CliIo;
  /** The environment the CLI was started with (config, and what --secret-env names). */
  env: Readonly<Record<string, string | undefined>>;
  /** Tests replace the database side; by default DATABASE_URL / standalone / embedded Postgres. */
  runtime?: (env: CliEnv, notice: (line: string) => void) => CliRuntime;
}

/**
 * Runs one command line and resolves with the exit code; never throws and never exits the process. Output:
 * text or (--json) one JSON document on stdout; notes and the one-line error on stderr.
 */
export async function runCli(argv: readonly string[], options: CliOptions): Promise<number> {
  const { io } = options;
  let line: ParsedCommandLine | undefined;
  let runtime: CliRuntime | undefined;
  try {
    line = parseCommandLine(argv, COMMANDS);
    // Services log through Nest's static logger, which writes to stdout: keep stdout for the command's output.
    Logger.overrideLogger(line.debug ? stderrLogger(io) : false);
    if (line.help || line.words.length === 0) {
      io.stdout(`${usage(COMMANDS, line.spec)}\n`);
      return line.help || line.words.length > 0 ? ExitCodes.ok : ExitCodes.usage;
    }
    const spec = line.spec;
    if (!spec) throw new UsageError(`unknown command "${line.words.join(' ')}" (see junction --help)`);
    const env = parseCliEnv(options.env);
    const notice = (text: string) => io.stderr(`junction: ${text}\n`);
    const opened = (runtime = (options.runtime ?? createCliRuntime)(env, notice));
    const output = await spec.run({
      args: line.args,
      actor: { tenantId: line.tenant ?? env.TENANT_ID, actor: CLI_ACTOR },
      env,
      runtime: opened,
      readVariable: (name) => options.env[name],
      readStdin: () => io.readStdin(),
      progress: (text) => io.stderr(text),
    });
    for (const note of output.notes ?? []) io.stderr(`${note}\n`);
    io.stdout(line.json ? `${JSON.stringify(output.json, null, 2)}\n` : `${output.text.join('\n')}\n`);
    return ExitCodes.ok;
  } catch (error: unknown) {
    const failure = describeFailure(error);
    io.stderr(`junction: ${failure.code}: ${failure.message}\n`);
    if (failure.unexpected && line?.debug) io.stderr(`${(error as Error).stack ?? ''}\n`);
    else if (failure.unexpected) io.stderr('junction: this looks like a bug or an outage; --debug prints the stack\n');
    return failure.exitCode;
  } finally {
    await runtime?.close().catch((error: unknown) => io.stderr(`junction: warning: could not close the database cleanly: ${(error as Error).message}\n`));
  }
}

function stderrLogger(io: CliIo): LoggerService {
  const write = (level: string) => (message: unknown) => io.stderr(`junction: ${level}: ${typeof message === 'string' ? message : JSON.stringify(message)}\n`);
  return { log: write('log'), error: write('error'), warn: write('warn'), debug: write('debug'), verbose: write('verbose') };
}
