import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export interface AppProcess {
  /** Base URL the app announced ("ready on …"). */
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process printed so far (stdout + stderr). */
  output(): string;
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const ROOT = resolve(__dirname, '../../../..');

/**
 * Starts a built entry point (`dist/apps/<app>/main.js`, or a provider MCP server's `… http`) as its own process, the
 * way a user or Kubernetes would, and resolves once it prints its ready line. `readyPattern` must capture the base URL.
 */
export async function startAppProcess(
  entry: string,
  env: Record<string, string | undefined>,
  options: { readyPattern?: RegExp; timeoutMs?: number; args?: string[] } = {},
): Promise<AppProcess> {
  const readyPattern = options.readyPattern ?? /ready on (http:\/\/[^\s"]+)/;
  const child = spawn(process.execPath, [resolve(ROOT, entry), ...(options.args ?? [])], { cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`${entry} not ready within ${options.timeoutMs ?? 30_000} ms:\n${output.slice(-4000)}`)), options.timeoutMs ?? 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = readyPattern.exec(output);
      if (match) {
        clearTimeout(timer);
        done(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`${entry} exited with ${code} before it was ready:\n${output.slice(-4000)}`));
    });
  });
  let stopping = false;
  void exited.then((code) => {
    // A process that dies on its own fails the test in some later, puzzling way: say why, where CI logs show it.
    if (!stopping) process.stderr.write(`\n${entry} exited without stop() (code ${code}, signal ${child.signalCode}); its last output:\n${output.slice(-4000)}\n`);
  });
  return {
    url,
    child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Only what the test passes plus what a process needs to run; no inherited DATABASE_URL surprises. */
function cleanEnv(env: Record<string, string | undefined>): Record<string, string> {
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info' };
  return Object.fromEntries(Object.entries({ ...base, ...env }).filter((e): e is [string, string] => e[1] !== undefined));
}

export async function waitUntil(cond: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether a process with this pid still runs (signal 0 checks without sending anything). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
