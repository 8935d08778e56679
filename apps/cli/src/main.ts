import 'reflect-metadata';
import { runCli } from './cli';

/**
 * `npm run junction -- <command>`: manage webhook endpoints, API keys and the key ring. See `--help`.
 * The one place the CLI touches process state: argv, env, stdio and the exit code.
 */
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Enter the secret(s), one per line, then Ctrl-D:\n');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

void runCli(process.argv.slice(2), {
  env: process.env,
  io: { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text), readStdin },
}).then((code) => {
  process.exitCode = code;
  // Everything is closed by now; a handle some library left open must not keep a finished command waiting.
  setTimeout(() => process.exit(code), 1_000).unref();
});
