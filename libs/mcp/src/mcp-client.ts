/**
 * A resilient client for one MCP server (one connection): a long-lived session opened on first use, every request
 * through the resilience pipeline (the connection's breaker, shared rate limits, per-attempt timeouts, retries of
 * transport failures only), tool arguments checked against the tool's schema before the call, `isError` results
 * turned into failures, and session recovery:
 * - a stdio server that exits is started again on the next request, after an exponential backoff with jitter while
 *   it keeps failing;
 * - an HTTP server that forgot our session (404, or 400 from the SDK's servers) gets a new one (initialize) and the
 *   request is sent once more.
 * `close()` ends the session: the stdio child is ended (stdin closed, then SIGTERM, then SIGKILL: the SDK's close),
 * an HTTP session is deleted.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { FetchLike, Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  ToolListChangedNotificationSchema,
  type CallToolResult,
  type GetPromptResult,
  type Prompt,
  type ReadResourceResult,
  type Resource,
  type ResourceTemplate,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { backoffDelay, sleep, type CallContext, type PipelineAttempt, type ResiliencePipelines } from '@junction/resilience';
import { classifyMcpFailure, isSessionGone, McpCallError, McpCodes, PROVIDER, Redactor } from './mcp-errors';
import { createTransport, describeTarget, printable, type McpTarget } from './mcp-target';
import { ToolCatalog } from './tool-catalog';

/** Pages read of any list before giving up on a server that never stops paging. */
const MAX_PAGES = 50;
/** Text of an isError result kept in the failure's message. */
const TOOL_ERROR_TEXT = 500;

export interface McpClientOptions {
  target: McpTarget;
  /** The pipeline key: breakers and rate limits are per connection (the connection id, or a configured name). */
  connection: string;
  /** Absent: requests go straight to the server with `requestTimeoutMs` (health checks, tools, tests). */
  pipelines?: ResiliencePipelines;
  /** A request's budget without a pipeline, and the initialize handshake's. Default 30 s. */
  requestTimeoutMs?: number;
  /** Backoff between starts of a server that keeps exiting or failing to connect. Default 200 ms → 30 s. */
  restartBackoff?: { baseDelayMs: number; maxDelayMs: number };
  fetch?: FetchLike;
  clientInfo?: { name: string; version: string };
}

/** Who is asking: carried into the pipeline's context (correlation in traces and call records, deadline, cancel). */
export interface McpCallScope {
  readonly correlationId?: string;
  readonly messageId?: string;
  /** Epoch ms. */
  readonly deadline?: number;
  readonly signal?: AbortSignal;
}

export type McpHealthStatus = 'healthy' | 'unreachable' | 'auth_failed' | 'protocol_error';

export interface McpHealth {
  status: McpHealthStatus;
  latencyMs: number;
  /** Healthy only. */
  toolCount?: number;
  server?: { name: string; version: string };
  protocolVersion?: string;
  /** Healthy: a summary; otherwise what failed (never a secret). */
  message: string;
  code?: string;
}

export interface McpClientStats {
  /** Sessions opened (1 + restarts and re-initializations). */
  sessionsOpened: number;
  /** Sessions that ended without close(): a stdio server exiting, an HTTP session the server forgot. */
  sessionsLost: number;
  /** Requests sent, of any kind (lists, reads, calls; a resent request counts twice). */
  requests: number;
  /** tools/call requests sent: a call refused before it (bad arguments, unknown tool) adds none. */
  toolCalls: number;
  /** `notifications/tools/list_changed` received: each empties the tool catalog. */
  toolListChanges: number;
}

interface Live {
  readonly client: Client;
  readonly transport: Transport;
  closed: boolean;
}

export class McpClient {
  private readonly target: McpTarget;
  private readonly redactor: Redactor;
  private readonly catalog = new ToolCatalog();
  private readonly requestTimeoutMs: number;
  private live?: Promise<Live>;
  private current?: Live;
  /** Consecutive failed starts or unexpected exits: the next start waits a backoff first. */
  private failures = 0;
  private closing = false;
  private readonly counters: McpClientStats = { sessionsOpened: 0, sessionsLost: 0, requests: 0, toolCalls: 0, toolListChanges: 0 };

  constructor(private readonly options: McpClientOptions) {
    this.target = options.target;
    this.redactor = new Redactor(options.target);
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  get stats(): Readonly<McpClientStats> {
    return { ...this.counters };
  }

  /** The live HTTP session id, if any (for tests and logs; not a secret to the server that issued it). */
  get sessionId(): string | undefined {
    return (this.current?.transport as { sessionId?: string } | undefined)?.sessionId;
  }

  /** The stdio server's process id while it runs. */
  get pid(): number | undefined {
    return (this.current?.transport as { pid?: number | null } | undefined)?.pid ?? undefined;
  }

  /** Every tool the server lists (all pages), from the cache when it has not changed since. */
  tools(scope: McpCallScope = {}): Promise<Tool[]> {
    return this.catalog.tools(() => this.listTools(scope));
  }

  private listTools(scope: McpCallScope): Promise<Tool[]> {
    return this.listAll('tools/list', scope, (client, cursor, options) => client.listTools(page(cursor), options).then((r) => [r.tools, r.nextCursor]));
  }

  listResources(scope: McpCallScope = {}): Promise<Resource[]> {
    return this.listAll('resources/list', scope, (client, cursor, options) => client.listResources(page(cursor), options).then((r) => [r.resources, r.nextCursor]));
  }

  listResourceTemplates(scope: McpCallScope = {}): Promise<ResourceTemplate[]> {
    return this.listAll('resources/templates/list', scope, (client, cursor, options) =>
      client.listResourceTemplates(page(cursor), options).then((r) => [r.resourceTemplates, r.nextCursor]),
    );
  }

  listPrompts(scope: McpCallScope = {}): Promise<Prompt[]> {
    return this.listAll('prompts/list', scope, (client, cursor, options) => client.listPrompts(page(cursor), options).then((r) => [r.prompts, r.nextCursor]));
  }

  readResource(uri: string, scope: McpCallScope = {}): Promise<ReadResourceResult> {
    return this.request('resources/read', true, scope, (client, options) => client.readResource({ uri }, options));
  }

  getPrompt(name: string, args: Record<string, string> = {}, scope: McpCallScope = {}): Promise<GetPromptResult> {
    return this.request('prompts/get', true, scope, (client, options) => client.getPrompt({ name, arguments: args }, options));
  }

  /**
   * Calls a tool. Unknown tool → MCP_TOOL_NOT_FOUND and arguments outside its schema → MCP_INVALID_ARGUMENTS, both
   * without calling the server; `isError` → MCP_TOOL_ERROR (not retried). A tool is retried after a transport
   * failure that may have reached the server only when it declares `idempotentHint` or `readOnlyHint`.
   */
  async callTool(name: string, args: Record<string, unknown> = {}, scope: McpCallScope = {}): Promise<CallToolResult> {
    const result = await this.callToolResult(name, args, scope);
    if (result.isError) throw this.error('client', McpCodes.toolError, `tools/call ${printable(name)}`, `the tool reported an error: ${this.redactor.text(textOf(result), TOOL_ERROR_TEXT) || '(no text)'}`);
    return result;
  }

  /**
   * callTool, but an `isError` result is returned, not thrown: for an adapter that reads the server's own error
   * (a provider MCP server's status and message) and classifies it itself.
   */
  async callToolResult(name: string, args: Record<string, unknown> = {}, scope: McpCallScope = {}): Promise<CallToolResult> {
    const operation = `tools/call ${printable(name)}`;
    const tool = await this.catalog.find(name, () => this.listTools(scope));
    if (!tool) throw this.error('not_found', McpCodes.toolNotFound, operation, `the server lists no tool named ${printable(name)}`);
    const problems = this.catalog.check(tool, args);
    if (problems) throw this.error('validation', McpCodes.invalidArguments, operation, problems);
    const idempotent = tool.annotations?.idempotentHint === true || tool.annotations?.readOnlyHint === true;
    return (await this.request(operation, idempotent, scope, (client, options) => {
      this.counters.toolCalls++;
      return client.callTool({ name, arguments: args }, undefined, options);
    })) as CallToolResult;
  }

  /**
   * Tells apart: unreachable (could not start or reach it, timeout, 5xx), auth_failed (401/403), protocol_error (not
   * MCP, a JSON-RPC error), healthy (with the time of a ping + a fresh tools/list, and the tool count). Not through the
   * pipeline: an open breaker must not hide what the server does now.
   */
  async health(timeoutMs = 10_000): Promise<McpHealth> {
    const started = performance.now();
    try {
      const live = await this.session(timeoutMs);
      const options = { timeout: timeoutMs };
      await live.client.ping(options);
      this.catalog.invalidate();
      const tools = await this.tools({ deadline: Date.now() + timeoutMs });
      const latencyMs = Math.round(performance.now() - started);
      const server = live.client.getServerVersion();
      const protocolVersion = (live.transport as { protocolVersion?: string }).protocolVersion;
      return {
        status: 'healthy',
        latencyMs,
        toolCount: tools.length,
        server: server ? { name: printable(server.name), version: printable(server.version) } : undefined,
        protocolVersion,
        message: `${server ? printable(server.name) : 'the server'} answered in ${latencyMs} ms; ${tools.length} tool(s)`,
      };
    } catch (raw) {
      const error = classifyMcpFailure(raw, this.target, 'health', timeoutMs, this.redactor);
      const status: McpHealthStatus = error.code === McpCodes.auth ? 'auth_failed' : error.code === McpCodes.protocol || error.code === McpCodes.rejected ? 'protocol_error' : 'unreachable';
      return { status, latencyMs: Math.round(performance.now() - started), message: error.message, code: error.code };
    }
  }

  /** Ends the session and any child process; later requests fail with MCP_CLIENT_CLOSED. */
  async close(): Promise<void> {
    this.closing = true;
    const live = await this.live?.catch(() => undefined);
    this.live = undefined;
    if (live) await this.end(live, true);
  }

  /** One request, through the pipeline when there is one; the session is (re)opened as needed. */
  private request<T>(operation: string, idempotent: boolean, scope: McpCallScope, send: (client: Client, options: RequestOptions) => Promise<T>): Promise<T> {
    const { pipelines } = this.options;
    if (!pipelines) {
      const deadline = scope.deadline ?? Date.now() + this.requestTimeoutMs;
      return this.attempt(operation, send, Math.max(1, deadline - Date.now()), scope.signal);
    }
    const context: CallContext = {
      provider: PROVIDER,
      connection: this.options.connection,
      operation,
      idempotent,
      deadline: scope.deadline,
      signal: scope.signal,
      correlationId: scope.correlationId,
      messageId: scope.messageId,
    };
    // The attempt's limit reaches the SDK as its `timeout`, counted to the same instant (session opening included), so
    // the SDK cancels the request (notifications/cancelled) at that limit just as the attempt's signal would. The
    // signal is handed over only when the caller can cancel: reading it creates an AbortController, and with the SDK's
    // listener on it that cost ~15 µs a call on Node 20 (bench:mcp), more than the rest of libs/mcp and the pipeline.
    return pipelines.run(context, (attempt: PipelineAttempt) =>
      this.attempt(operation, send, Math.max(1, attempt.remainingMs), scope.signal ? attempt.signal : undefined, performance.now() + attempt.remainingMs),
    );
  }

  /** `endsAt` (performance.now() time, the pipeline's attempt limit): the SDK's timeout ends there, not `timeoutMs` after the session is ready. */
  private async attempt<T>(operation: string, send: (client: Client, options: RequestOptions) => Promise<T>, timeoutMs: number, signal?: AbortSignal, endsAt?: number): Promise<T> {
    const options = (): RequestOptions => ({ timeout: endsAt === undefined ? timeoutMs : Math.max(1, Math.ceil(endsAt - performance.now())), signal });
    let live: Live | undefined;
    try {
      live = await this.session(timeoutMs);
      this.counters.requests++;
      const value = await send(live.client, options());
      this.failures = 0;
      return value;
    } catch (error) {
      if (live && isSessionGone(error, this.sessionOf(live) !== undefined)) {
        // The server restarted or expired our session: one new session, the request once more.
        this.counters.sessionsLost++;
        this.drop(live);
        try {
          const fresh = await this.session(timeoutMs);
          this.counters.requests++;
          return await send(fresh.client, options());
        } catch (retryError) {
          throw classifyMcpFailure(retryError, this.target, operation, timeoutMs, this.redactor);
        }
      }
      if (live?.closed) this.drop(live);
      throw classifyMcpFailure(error, this.target, operation, timeoutMs, this.redactor);
    }
  }

  /** The live session, opening one (after a backoff when starts keep failing) if there is none. */
  private session(timeoutMs: number): Promise<Live> {
    if (this.closing) return Promise.reject(this.error('network', McpCodes.closed, 'connect', 'the client is closed'));
    if (!this.live) {
      const opening = this.open(timeoutMs);
      this.live = opening;
      opening.catch(() => {
        if (this.live === opening) this.live = undefined;
      });
    }
    return this.live;
  }

  private async open(timeoutMs: number): Promise<Live> {
    if (this.failures > 0) {
      const backoff = this.options.restartBackoff ?? { baseDelayMs: 200, maxDelayMs: 30_000 };
      await sleep(backoffDelay(this.failures, backoff, timeoutMs) ?? 0);
    }
    const transport = createTransport(this.target, { fetch: this.options.fetch });
    const client = new Client(this.options.clientInfo ?? { name: 'junction', version: '1.0.0' }, { capabilities: {} });
    const live: Live = { client, transport, closed: false };
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      this.counters.toolListChanges++;
      this.catalog.invalidate();
    });
    client.onclose = () => {
      live.closed = true;
      if (this.current === live && !this.closing) {
        // The server went away on its own (a stdio exit, a dropped session): the next request starts a new one.
        this.counters.sessionsLost++;
        this.failures++;
        this.drop(live);
      }
    };
    try {
      await client.connect(transport, { timeout: Math.min(timeoutMs, this.requestTimeoutMs) });
    } catch (error) {
      this.failures++;
      void client.close().catch(() => undefined);
      throw classifyMcpFailure(error, this.target, 'initialize', timeoutMs, this.redactor);
    }
    if (this.closing) {
      await this.end(live, true);
      throw this.error('network', McpCodes.closed, 'connect', 'the client is closed');
    }
    // A later session may serve other tools than the last one (a restarted or upgraded server). Not the first: the
    // listing that opened it is in flight and would be thrown away.
    if (this.counters.sessionsOpened++ > 0) this.catalog.invalidate();
    this.current = live;
    return live;
  }

  /** Forgets a session that failed and ends it in the background. */
  private drop(live: Live): void {
    if (this.current === live) {
      this.current = undefined;
      this.live = undefined;
    }
    void this.end(live, false);
  }

  private async end(live: Live, terminate: boolean): Promise<void> {
    if (this.current === live) this.current = undefined;
    const transport = live.transport as { terminateSession?: () => Promise<void> };
    // Deleting the session is a courtesy to the server; it must not hold up shutdown.
    if (terminate && !live.closed && transport.terminateSession) await withTimeout(transport.terminateSession(), 2_000).catch(() => undefined);
    live.closed = true;
    await live.client.close().catch(() => undefined);
  }

  private sessionOf(live: Live): string | undefined {
    return (live.transport as { sessionId?: string }).sessionId;
  }

  private async listAll<T>(
    operation: string,
    scope: McpCallScope,
    list: (client: Client, cursor: string | undefined, options: RequestOptions) => Promise<[T[], string | undefined]>,
  ): Promise<T[]> {
    const all: T[] = [];
    let cursor: string | undefined;
    for (let n = 0; n < MAX_PAGES; n++) {
      const [items, next] = await this.request(operation, true, scope, (client, options) => list(client, cursor, options));
      all.push(...items);
      if (!next) return all;
      cursor = next;
    }
    throw this.error('client', McpCodes.protocol, operation, `the server kept paging past ${MAX_PAGES} pages`);
  }

  private error(errorClass: ConstructorParameters<typeof McpCallError>[0], code: ConstructorParameters<typeof McpCallError>[1], operation: string, message: string): McpCallError {
    return new McpCallError(errorClass, code, `MCP ${describeTarget(this.target)} ${operation}: ${message}`, { operation });
  }
}

function page(cursor: string | undefined): { cursor: string } | undefined {
  return cursor ? { cursor } : undefined;
}

/** The text blocks of a result, joined. */
export function textOf(result: CallToolResult): string {
  return result.content
    .filter((c): c is Extract<CallToolResult['content'][number], { type: 'text' }> => c.type === 'text')
    .map((c) => c.text)
    .join('\n');
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]).finally(() => clearTimeout(timer));
}
