import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { JoinDriver } from './onair';
import { Child, cpuSeconds, type Message, machineBusySeconds, median, rssKiB, sleep } from './proc';

/** A server under test: its pid (for /proc) and where it listens. */
export interface Target {
  name: string;
  pid: number;
  port: number;
}

export interface JoinsResult {
  label: string;
  batch: number;
  joinsPerSec: number;
  requestsPerSec: number;
  ok: number;
  failed: number;
  latP50: number;
  latP99: number;
  serverCpuPct: number;
  serverUsPerJoin: number;
  redisCpuPct: number;
  loadCpuPct: number;
  /** CPU of everything else on the machine (other engineers' jobs: noise), % of one core. */
  otherCpuPct: number;
  /** Rounds this result is the median of, and the range of their joins/s. */
  rounds: number;
  joinsMin: number;
  joinsMax: number;
}

/** The median of each figure over several rounds of the same run. */
export function medianOfRounds(rounds: JoinsResult[]): JoinsResult {
  const first = rounds[0];
  if (!first) throw new Error('no rounds');
  const of = (pick: (r: JoinsResult) => number) => median(rounds.map(pick));
  const joins = rounds.map((r) => r.joinsPerSec);
  return {
    label: first.label,
    batch: first.batch,
    joinsPerSec: of((r) => r.joinsPerSec),
    requestsPerSec: of((r) => r.requestsPerSec),
    ok: rounds.reduce((sum, r) => sum + r.ok, 0),
    failed: rounds.reduce((sum, r) => sum + r.failed, 0),
    latP50: of((r) => r.latP50),
    latP99: of((r) => r.latP99),
    serverCpuPct: of((r) => r.serverCpuPct),
    serverUsPerJoin: of((r) => r.serverUsPerJoin),
    redisCpuPct: of((r) => r.redisCpuPct),
    loadCpuPct: of((r) => r.loadCpuPct),
    otherCpuPct: of((r) => r.otherCpuPct),
    rounds: rounds.length,
    joinsMin: Math.min(...joins),
    joinsMax: Math.max(...joins),
  };
}

export interface FanoutResult {
  n: number;
  connected: number;
  failed: number;
  msgsPerSec: number;
  expectedPerSec: number;
  updatesPerSec: number;
  skippedVersions: number;
  latP50: number;
  latP99: number;
  latMax: number;
  /** OnAir only, from its /metrics: event-loop delay (ms) over the window. */
  loopDelayP99: number;
  loopDelayMax: number;
  /** OnAir only, from its /metrics: change → frame written to every subscriber (ms, bucket upper bounds). */
  fanoutDelayP50: number;
  fanoutDelayP99: number;
  /** OnAir only: stats messages on the live's Redis channel, and join → publication latency. */
  publishedPerSec: number;
  publishedP50: number;
  publishedP99: number;
  bytesPerMsg: number;
  serverCpuPct: number;
  serverUsPerMsg: number;
  clientCpuPct: number;
  /** CPU of everything else on the machine (other engineers' jobs: noise), % of one core. */
  otherCpuPct: number;
  closedEarly: number;
}

export interface MemoryResult {
  n: number;
  connected: number;
  beforeKiB: number;
  afterKiB: number;
  perConnKiB: number;
  /** Whether RSS stopped moving before each reading. */
  settled: boolean;
  /** Live JS heap (heapUsed after full GCs) and V8 external memory per connection, KiB. */
  heapPerConnKiB: number;
  externalPerConnKiB: number;
}

function readMemoryUsage(file: string): NodeJS.MemoryUsage | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as NodeJS.MemoryUsage;
  } catch {
    return undefined;
  }
}

function num(message: Message, key: string): number {
  const value = message[key];
  if (value === null) return Number.NaN;
  if (typeof value !== 'number') throw new Error(`"${key}" missing in ${JSON.stringify(message)}`);
  return value;
}

/** Ticks of the bare broadcaster since the last call. */
async function bareTicks(port: number): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/stats`);
  const stats = (await response.json()) as Message;
  return num(stats, 'ticks');
}

const FANOUT_DELAY = 'onair_viewer_stats_fanout_delay_seconds';

/** OnAir's /metrics as name{labels} → value. */
async function scrape(port: number): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line === '') continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}

/** A gauge in seconds, as ms. */
function seconds(metrics: Map<string, number>, name: string): number {
  return (metrics.get(name) ?? Number.NaN) * 1000;
}

/** Quantiles (ms, the upper bound of the bucket) of what a Prometheus histogram observed between two scrapes. */
function histogramDelta(before: Map<string, number>, after: Map<string, number>, name: string) {
  const buckets: { le: number; count: number }[] = [];
  for (const [key, value] of after) {
    const match = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\}$`).exec(key);
    if (match?.[1]) {
      const le = match[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(match[1]);
      buckets.push({ le, count: value - (before.get(key) ?? 0) });
    }
  }
  buckets.sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)?.count ?? 0;
  return (q: number) => {
    if (total === 0) return Number.NaN;
    const bucket = buckets.find((b) => b.count >= q * total);
    return bucket ? bucket.le * 1000 : Number.NaN;
  };
}

/** Redis's own CPU seconds (all its threads), from INFO. */
async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? Number.NaN);
  return field('used_cpu_sys') + field('used_cpu_user');
}

export class Measurements {
  constructor(
    private readonly scriptsDir: string,
    private readonly redis: Redis,
    private readonly verbose: boolean,
    /** Where the servers write their memoryUsage() after a forced GC ($BENCH_GC_REPORT_DIR). */
    private readonly gcReportDir?: string,
  ) {}

  private child(name: string, script: string, options: object): Child {
    return new Child(name, join(this.scriptsDir, script), [JSON.stringify(options)], { verbose: this.verbose });
  }

  /**
   * (a) autocannon at `connections` connections against `path`, each request `batch` joins of fresh
   * viewers; server and Redis CPU over the measured window, from /proc and INFO.
   */
  async joins(
    label: string,
    target: Target,
    options: {
      path: string;
      liveId: string;
      batch: number;
      connections: number;
      warmupSec: number;
      seconds: number;
      /** Join with a viewer token signed with this secret (verified by the server on every call). */
      viewerSecret?: string | undefined;
    },
  ): Promise<JoinsResult> {
    const load = this.child('joins-load', 'joins-load.mjs', {
      port: target.port,
      path: options.path,
      liveId: options.liveId,
      batch: options.batch,
      connections: options.connections,
      warmupSec: options.warmupSec,
      durationSec: options.seconds,
      viewerSecret: options.viewerSecret,
      tag: `${label.replace(/\W+/g, '-')}-${Date.now().toString(36)}`,
    });
    try {
      await load.next('measuring', (options.warmupSec + 30) * 1000);
      const cpu0 = cpuSeconds(target.pid);
      const redis0 = await redisCpuSeconds(this.redis);
      const busy0 = machineBusySeconds();
      const t0 = performance.now();
      const result = await load.next('result', (options.seconds + 30) * 1000);
      const secs = (performance.now() - t0) / 1000;
      const serverCpu = cpuSeconds(target.pid) - cpu0;
      const redisCpu = (await redisCpuSeconds(this.redis)) - redis0;
      const busy = machineBusySeconds() - busy0;
      const loadCpu = (num(result, 'clientCpuPct') / 100) * num(result, 'secs');
      const ok = num(result, 'ok');
      const joins = ok * options.batch;
      return {
        label,
        batch: options.batch,
        joinsPerSec: num(result, 'joinsPerSec'),
        requestsPerSec: num(result, 'requestsPerSec'),
        ok,
        failed: num(result, 'non2xx') + num(result, 'errors') + num(result, 'timeouts'),
        latP50: num(result, 'latP50'),
        latP99: num(result, 'latP99'),
        serverCpuPct: (serverCpu / secs) * 100,
        serverUsPerJoin: joins ? (serverCpu * 1e6) / joins : Number.NaN,
        redisCpuPct: (redisCpu / secs) * 100,
        loadCpuPct: num(result, 'clientCpuPct'),
        otherCpuPct: Math.max(0, ((busy - serverCpu - redisCpu - loadCpu) / secs) * 100),
        rounds: 1,
        joinsMin: num(result, 'joinsPerSec'),
        joinsMax: num(result, 'joinsPerSec'),
      };
    } finally {
      await load.stop();
    }
  }

  /**
   * (b) `n` SSE subscribers measured for `seconds` while the server sends 10 updates a second
   * (the bare broadcaster by itself; OnAir through `driver`'s joins, started before connecting).
   */
  async fanout(
    target: Target,
    options: {
      n: number;
      path: string;
      seconds: number;
      driver?: JoinDriver;
      /** OnAir: also time each stats message on this Redis channel. */
      pubsubChannel?: string;
      /** OnAir: read its event-loop delay and fan-out delay from /metrics. */
      metrics?: boolean;
    },
  ): Promise<FanoutResult> {
    // OnAir: also time each stats message on its Redis channel, to split the latency in two halves.
    const tap = options.pubsubChannel ? await this.tap(options.pubsubChannel) : undefined;
    const client = this.child('sse-client', 'sse-client.mjs', {
      n: options.n,
      port: target.port,
      path: options.path,
      mode: 'measure',
      measureSec: options.seconds,
      settleSec: 1.5,
    });
    try {
      const connected = await client.next('connected', 180_000);
      if (num(connected, 'connected') < options.n)
        throw new Error(`${target.name}: ${num(connected, 'connected')} of ${options.n} subscribers connected`);
      await client.next('measuring', 30_000);
      if (tap) tap.measuring = true;
      // The bare broadcaster counts its own ticks (GET /stats answers and resets them); OnAir's
      // /metrics resets its event-loop delay histogram at each scrape.
      if (!options.driver) await bareTicks(target.port);
      const metrics0 = options.metrics ? await scrape(target.port) : undefined;
      const cpu0 = cpuSeconds(target.pid);
      const joins0 = options.driver?.joins ?? 0;
      const busy0 = machineBusySeconds();
      const t0 = performance.now();
      const result = await client.next('result', (options.seconds + 60) * 1000);
      if (tap) tap.measuring = false;
      const secs = (performance.now() - t0) / 1000;
      const ticks = options.driver ? options.driver.joins - joins0 : await bareTicks(target.port);
      const metrics1 = metrics0 ? await scrape(target.port) : undefined;
      const delay = metrics0 && metrics1 ? histogramDelta(metrics0, metrics1, FANOUT_DELAY) : undefined;
      const serverCpu = cpuSeconds(target.pid) - cpu0;
      const busy = machineBusySeconds() - busy0;
      const published = tap ? [...tap.latencies].sort((a, b) => a - b) : [];
      const quantile = (p: number) =>
        published.length
          ? (published[Math.min(published.length - 1, Math.floor(p * published.length))] as number)
          : Number.NaN;
      const clientCpu = (num(result, 'clientCpuPct') / 100) * num(result, 'secs');
      const msgs = num(result, 'msgs');
      return {
        n: options.n,
        connected: num(result, 'connected'),
        failed: num(result, 'failed'),
        msgsPerSec: num(result, 'msgsPerSec'),
        expectedPerSec: options.n * 10,
        updatesPerSec: ticks / secs,
        skippedVersions: num(result, 'skippedVersions'),
        latP50: num(result, 'latP50'),
        latP99: num(result, 'latP99'),
        latMax: num(result, 'latMax'),
        loopDelayP99: metrics1 ? seconds(metrics1, 'onair_nodejs_eventloop_lag_p99_seconds') : Number.NaN,
        loopDelayMax: metrics1 ? seconds(metrics1, 'onair_nodejs_eventloop_lag_max_seconds') : Number.NaN,
        fanoutDelayP50: delay ? delay(0.5) : Number.NaN,
        fanoutDelayP99: delay ? delay(0.99) : Number.NaN,
        publishedPerSec: tap ? published.length / secs : Number.NaN,
        publishedP50: quantile(0.5),
        publishedP99: quantile(0.99),
        bytesPerMsg: num(result, 'bytesPerMsg'),
        serverCpuPct: (serverCpu / secs) * 100,
        serverUsPerMsg: msgs ? (serverCpu * 1e6) / msgs : Number.NaN,
        clientCpuPct: num(result, 'clientCpuPct'),
        otherCpuPct: Math.max(0, ((busy - serverCpu - clientCpu) / secs) * 100),
        closedEarly: num(result, 'closedEarly'),
      };
    } finally {
      await client.stop();
      tap?.close();
    }
  }

  /**
   * Subscribes to a Redis channel of stats messages (sharded pub/sub, as OnAir publishes) and records
   * Date.now() − updatedAt of each.
   */
  private async tap(channel: string) {
    const subscriber = this.redis.duplicate();
    const state = { measuring: false, latencies: [] as number[], close: () => subscriber.disconnect() };
    subscriber.on('smessage', (_channel: string, message: string) => {
      if (!state.measuring) return;
      const at = /"updatedAt":"([^"]+)"/.exec(message)?.[1];
      if (at) state.latencies.push(Date.now() - Date.parse(at));
    });
    await subscriber.ssubscribe(channel);
    return state;
  }

  /**
   * (c) Server RSS before and after `n` idle subscribers (no updates), per connection. A warm-up of
   * 200 connections first (code paths compiled, buffers allocated), then each reading after a full
   * GC (SIGUSR2, see gc-on-signal.mjs), once RSS has settled.
   */
  async memory(target: Target, options: { n: number; path: string }): Promise<MemoryResult> {
    // RSS right after a start or a burst of connections still moves (heap growth, GC, the allocator
    // returning pages): sample every 250 ms until the last 4 samples agree within 0.5 % (at most 20 s).
    const settled = async () => {
      const samples: number[] = [];
      const deadline = performance.now() + 20_000;
      for (;;) {
        samples.push(rssKiB(target.pid));
        const last = samples.slice(-4);
        const spread = Math.max(...last) - Math.min(...last);
        if (last.length === 4 && spread <= Math.max(256, 0.005 * Math.max(...last)))
          return { kib: median(last), settled: true };
        if (performance.now() > deadline) return { kib: median(last), settled: false };
        await sleep(250);
      }
    };
    const hold = (n: number) =>
      this.child('sse-client', 'sse-client.mjs', { n, port: target.port, path: options.path, mode: 'hold' });

    const warm = hold(200);
    try {
      await warm.next('connected', 60_000);
      await sleep(500);
    } finally {
      await warm.stop();
    }
    // Two full GCs (SIGUSR2, see gc-on-signal.mjs), then the process's own memoryUsage() after them.
    const collect = async (): Promise<NodeJS.MemoryUsage | undefined> => {
      for (let i = 0; i < 2; i++) {
        process.kill(target.pid, 'SIGUSR2');
        await sleep(500);
      }
      return this.gcReportDir ? readMemoryUsage(join(this.gcReportDir, `${target.pid}.json`)) : undefined;
    };
    await sleep(1_000);
    const heapBefore = await collect();
    const before = await settled();
    const client = hold(options.n);
    try {
      const connected = num(await client.next('connected', 180_000), 'connected');
      await sleep(1_000);
      const heapAfter = await collect();
      const after = await settled();
      const perConn = (pick: (usage: NodeJS.MemoryUsage) => number) =>
        heapBefore && heapAfter ? (pick(heapAfter) - pick(heapBefore)) / 1024 / connected : Number.NaN;
      return {
        n: options.n,
        connected,
        beforeKiB: before.kib,
        afterKiB: after.kib,
        perConnKiB: (after.kib - before.kib) / connected,
        settled: before.settled && after.settled,
        heapPerConnKiB: perConn((usage) => usage.heapUsed),
        externalPerConnKiB: perConn((usage) => usage.external),
      };
    } finally {
      await client.stop();
      await sleep(1_000);
    }
  }
}
