import { GLOBAL_OPTIONS } from './cli-args';
import type { CommandSpec, OptionSpec } from './commands/command';

/** `junction --help` (every command) or `junction <group> <command> --help` (one, with its options). */
export function usage(specs: readonly CommandSpec[], spec?: CommandSpec): string {
  if (spec) {
    const positionals = positionalsText(spec);
    return [
      `usage: junction ${spec.group} ${spec.name}${positionals} [options]`,
      '',
      `  ${spec.summary}`,
      '',
      ...optionLines({ ...spec.options, ...GLOBAL_OPTIONS }),
    ].join('\n');
  }
  return [
    'usage: junction <command> [options]      (npm run junction -- <command> [options])',
    '',
    ...specs.map((s) => `  ${`${s.group} ${s.name}${positionalsText(s)}`.padEnd(40)} ${s.summary}`),
    '',
    'Every command:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Database: DATABASE_URL; else the running standalone Junction (<JUNCTION_DATA_DIR>/standalone.json); else the',
    'embedded Postgres in <JUNCTION_DATA_DIR>/postgres. Key ring: JUNCTION_KEK; else <JUNCTION_DATA_DIR>/kek.',
    'Exit codes: 0 ok, 1 failed (junction: <code>: <message>), 64 usage, 78 configuration.',
  ].join('\n');
}

function positionalsText(spec: CommandSpec): string {
  return [...(spec.positionals ?? []).map((p) => ` ${p.toUpperCase()}`), ...(spec.optionalPositionals ?? []).map((p) => ` [${p.toUpperCase()}]`)].join('');
}

function optionLines(options: Readonly<Record<string, OptionSpec>>): string[] {
  return Object.entries(options).map(([name, o]) => `  ${`--${name}${o.value ? ` ${o.value}` : ''}`.padEnd(34)} ${o.required ? '(required) ' : ''}${o.help}`);
}
