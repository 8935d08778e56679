/**
 * Where a V8 .cpuprofile (`node --cpu-prof`) spent its time, optionally only inside a time window (the measured
 * part of a run, so start-up and idle pauses do not dilute it) and per request. Three views: self time per
 * package, top functions by self time, and self time charged to the nearest Junction function up the stack
 * (which of our calls library and runtime time was spent under). Also runnable on its own:
 *   node bench/results/ingress-build/bench/ingress/profile-summary.js <file.cpuprofile> [top]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  /** Microseconds on the monotonic clock (process.hrtime's). */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileWindow {
  /** process.hrtime.bigint() / 1000 at the start and end of the window. */
  fromUs: number;
  toUs: number;
  /** Requests answered in the window, for the µs/request column. */
  requests: number;
}

export interface Slice {
  name: string;
  selfMs: number;
  share: number;
  usPerRequest?: number;
}

export interface ProfileSummary {
  file: string;
  window?: ProfileWindow;
  totalMs: number;
  /** Samples split by which part of the app their stack belongs to (see COMPONENTS). */
  components: Slice[];
  packages: Slice[];
  functions: Slice[];
  /** Self time by the nearest Junction frame on the stack ("(no Junction frame)" when there is none). */
  underJunction: Slice[];
}

const OWN = /(?:dist|ingress-build)\/(libs|apps)\/([^/]+)\/(.*)$/;

/**
 * A sample belongs to the component of the nearest frame (leaf upwards) that matches one of these. With
 * BUS=memory one process does both the webhook accept and what follows it: the outbox relay publishes each
 * committed row to the in-process bus, whose consumer (the router) handles it. Frames shared by both paths
 * (zod, the contracts registry, log context) match nothing and defer to their caller. Code reached only from
 * an async continuation (most of Prisma and pg) has no caller of ours on its stack: that is its own bucket.
 */
const COMPONENTS: { name: string; match: RegExp }[] = [
  {
    name: 'after the accept: outbox relay → in-process bus → router consumer',
    match: /libs\/messaging\/src\/(outbox|transports|nest|idempotency|bus|policy|dead-letters)\/|@nestjs\/microservices\/|apps\/webhook-ingress\/src\/routing\/|libs\/persistence\/src\/outbox\/|libs\/telemetry\/src\/propagation\//,
  },
  {
    name: 'webhook accept: HTTP, verify, parse, envelope, inbox write',
    match: /apps\/webhook-ingress\/src\/webhooks\/|libs\/security\/|libs\/persistence\/src\/inbox\/|libs\/contracts\/src\/messages\/create-message|libs\/messaging\/src\/publishing\/|node_modules\/(fastify|find-my-way|@nestjs\/platform-fastify)\/|node:_http_/,
  },
  { name: 'database client (Prisma + pg), either path', match: /node_modules\/(@prisma|pg|pg-protocol|pg-pool)\// },
];

function bucketOf(frame: ProfileNode['callFrame']): string {
  const url = frame.url;
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native: syscalls, crypto, JSON…)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const own = OWN.exec(url);
  if (own) return `junction ${own[1]}/${own[2]}`;
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

function where(frame: ProfileNode['callFrame']): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  return `${name}  ${frame.url.replace(/^.*?(node_modules|dist|ingress-build)\//, '$1/')}:${frame.lineNumber + 1}`;
}

export function summarizeProfile(file: string, window?: ProfileWindow, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const ownAncestor = new Map<number, string>();
  const nearestOwn = (id: number): string => {
    const cached = ownAncestor.get(id);
    if (cached !== undefined) return cached;
    const frame = byId.get(id)!.callFrame;
    const up = parent.get(id);
    const found = OWN.test(frame.url) ? where(frame) : up === undefined ? '(no Junction frame)' : nearestOwn(up);
    ownAncestor.set(id, found);
    return found;
  };

  const componentOf = new Map<number, string>();
  const component = (id: number): string => {
    const cached = componentOf.get(id);
    if (cached !== undefined) return cached;
    const frame = byId.get(id)!.callFrame;
    const up = parent.get(id);
    const own = COMPONENTS.find((c) => c.match.test(frame.url))?.name;
    const found = own ?? (frame.functionName.startsWith('(') && !frame.url && up !== undefined && parent.get(up) === undefined ? frame.functionName : undefined) ?? (up === undefined ? 'other (promise jobs, timers, sockets; unattributable)' : component(up));
    componentOf.set(id, found);
    return found;
  };

  const components = new Map<string, number>();
  const packages = new Map<string, number>();
  const functions = new Map<string, number>();
  const under = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, us: number) => m.set(k, (m.get(k) ?? 0) + us);
  let totalUs = 0;
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (window && (t < window.fromUs || t > window.toUs)) return;
    const frame = byId.get(id)!.callFrame;
    totalUs += delta;
    add(components, component(id), delta);
    add(packages, bucketOf(frame), delta);
    add(functions, where(frame), delta);
    add(under, nearestOwn(id), delta);
  });
  const slices = (m: Map<string, number>): Slice[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, selfMs: us / 1000, share: totalUs === 0 ? 0 : us / totalUs, usPerRequest: window && window.requests > 0 ? us / window.requests : undefined }));
  return { file, window, totalMs: totalUs / 1000, components: slices(components), packages: slices(packages), functions: slices(functions), underJunction: slices(under) };
}

export function formatProfile(summary: ProfileSummary, top = 25): string {
  const row = (s: Slice) => `  ${`${(s.share * 100).toFixed(1)}%`.padStart(6)}${s.usPerRequest === undefined ? '' : `  ${s.usPerRequest.toFixed(1).padStart(6)} µs/req`}  ${s.name}`;
  const scope = summary.window ? `measured window only, ${summary.window.requests} requests` : 'whole process lifetime';
  return [
    `${summary.totalMs.toFixed(0)} ms of samples (${scope}); by component (stack):`,
    ...summary.components.map(row),
    'self time by package:',
    ...summary.packages.slice(0, 15).map(row),
    'top functions by self time:',
    ...summary.functions.slice(0, top).map(row),
    'self time charged to the nearest Junction function up the stack:',
    ...summary.underJunction.slice(0, top).map(row),
  ].join('\n');
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node bench/results/ingress-build/bench/ingress/profile-summary.js <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(formatProfile(summarizeProfile(file, undefined, Number(top ?? 25)), Number(top ?? 25)));
}
