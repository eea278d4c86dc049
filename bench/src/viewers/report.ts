import type { MachineFacts } from '../machine';
import type { FanoutResult, JoinsResult, MemoryResult } from './measure';

export interface ViewersResults {
  machine: MachineFacts & { redis: string; commit: string; durationSec: number };
  joins?: {
    seconds: number;
    rounds: number;
    warmupSec: number;
    connections: number;
    onairUnbatched: JoinsResult;
    /** Unbatched joins carrying a signed viewer token, verified on every call. */
    onairTokens?: JoinsResult;
    bareUnbatched: JoinsResult;
    onairBatched: JoinsResult;
    bareBatched: JoinsResult;
    generic?: JoinsResult;
  };
  fanout?: {
    seconds: number;
    sizes: { onair: FanoutResult; bare: FanoutResult }[];
    /** OnAir's update path alone: 10 subscribers, changes at the given rate. */
    updatePath: { updatesPerSec: number; result: FanoutResult }[];
  };
  memory?: { onair: MemoryResult; bare: MemoryResult };
}

const int = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '—');
const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '—');
const verdict = (pass: boolean) => (pass ? '**PASS**' : '**FALL SHORT**');
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const whole = (value: number) => fixed(value, 0);

/**
 * A row that sets one of OnAir's figures beside bare Node's: the leading cells, both figures, their
 * ratio, then the target and whether it is met ('—' where there is none).
 */
const versus = (
  lead: (string | number)[],
  onair: number,
  bare: number,
  format: (value: number) => string,
  target = '—',
  result = '—',
) => row([...lead, format(onair), format(bare), ratio(onair / bare), target, result]);

/** The header and alignment rows of a table of `versus` rows: each leading column with its alignment. */
const versusHead = (lead: [label: string, align: '---' | '---:'][], onair = 'OnAir', bare = 'bare') => [
  row([...lead.map(([label]) => label), onair, bare, 'ratio', 'target', 'result']),
  row([...lead.map(([, align]) => align), '---:', '---:', '---:', '---', '---']),
];

function joinsSection(joins: NonNullable<ViewersResults['joins']>): string[] {
  const { onairUnbatched: ou, onairTokens: ot, bareUnbatched: bu, onairBatched: ob, bareBatched: bb, generic } = joins;
  const unbatchedRatio = ou.joinsPerSec / bu.joinsPerSec;
  const lines = [
    `## (a) Joins per second — ${joins.connections} connections, unique viewers`,
    '',
    `Median of ${joins.rounds} rounds of ${joins.seconds} s; each round runs bare and OnAir one after the other (a ${joins.warmupSec} s warm-up before the first round, 0.5 s before the others).`,
    '',
    ...versusHead([['path', '---']], 'OnAir joins/s', 'bare joins/s'),
    versus(
      ['unbatched (`POST /trpc/viewer.join`)'],
      ou.joinsPerSec,
      bu.joinsPerSec,
      int,
      '≥ 0.6× bare unbatched',
      verdict(unbatchedRatio >= 0.6),
    ),
    versus(
      [`batched ×${ob.batch} (\`?batch=1\`; joins/s, not requests/s)`],
      ob.joinsPerSec,
      bb.joinsPerSec,
      int,
      `— (vs bare unbatched: ${ratio(ob.joinsPerSec / bu.joinsPerSec)})`,
    ),
  ];
  if (ot) {
    lines.push(
      versus(
        ['token mode (`viewerToken`, HS256 verified on every call)'],
        ot.joinsPerSec,
        bu.joinsPerSec,
        int,
        '≥ 0.5× bare unbatched',
        verdict(ot.joinsPerSec / bu.joinsPerSec >= 0.5),
      ),
    );
  }
  if (generic) {
    lines.push(
      versus(['context: data plane off (tRPC generic path, unbatched)'], generic.joinsPerSec, bu.joinsPerSec, int),
    );
  }
  lines.push(
    '',
    'Where the time goes, same runs (CPU % of one core over the measured window: server from /proc, Redis from `INFO cpu`, autocannon from itself, other processes = the machine’s busy time from /proc/stat minus those three, i.e. whatever else ran on the box):',
    '',
    row([
      'run',
      'joins/s (range)',
      'req/s',
      'server CPU µs/join',
      'server CPU %',
      'Redis CPU %',
      'autocannon CPU %',
      'other processes CPU %',
      'p50 / p99 ms',
      'failed',
    ]),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
  );
  const detail = (name: string, r: JoinsResult) =>
    row([
      name,
      r.rounds > 1 ? `${int(r.joinsPerSec)} (${int(r.joinsMin)}–${int(r.joinsMax)})` : int(r.joinsPerSec),
      int(r.requestsPerSec),
      fixed(r.serverUsPerJoin, 0),
      fixed(r.serverCpuPct, 0),
      fixed(r.redisCpuPct, 0),
      fixed(r.loadCpuPct, 0),
      fixed(r.otherCpuPct, 0),
      `${r.latP50} / ${r.latP99}`,
      int(r.failed),
    ]);
  lines.push(detail('OnAir unbatched', ou), detail('bare unbatched', bu), detail(`OnAir batched ×${ob.batch}`, ob));
  lines.push(detail(`bare batched ×${bb.batch}`, bb));
  if (ot) lines.push(detail('OnAir, viewer tokens', ot));
  if (generic) lines.push(detail('OnAir, data plane off', generic));
  return lines;
}

function fanoutSection(fanout: NonNullable<ViewersResults['fanout']>): string[] {
  const lines = [
    `## (b) Count-update fan-out — one live, 10 updates a second, measured ${fanout.seconds} s`,
    '',
    'OnAir: a join of a fresh viewer every 100 ms through `POST /trpc/viewer.join`, subscribers on `GET /trpc/viewer.onStats`; latency = arrival − `updatedAt` (the Redis clock at the join), so it spans the whole path join → Lua → publish → Redis pub/sub → fan-out → socket. Bare: the `node:http` broadcaster writing a frame of the same format every 100 ms; latency = arrival − send time.',
    '',
    ...versusHead([
      ['subscribers', '---:'],
      ['metric', '---'],
    ]),
  ];
  for (const { onair, bare } of fanout.sizes) {
    const n = int(onair.n);
    const delivered = onair.msgsPerSec / bare.msgsPerSec;
    const p99 = onair.latP99 / bare.latP99;
    lines.push(
      versus(
        [n, `delivered msgs/s (expected ${int(onair.expectedPerSec)})`],
        onair.msgsPerSec,
        bare.msgsPerSec,
        int,
        '≥ 0.5× bare',
        verdict(delivered >= 0.5),
      ),
      versus([n, 'latency p50 ms'], onair.latP50, bare.latP50, whole),
      versus([n, 'latency p99 ms'], onair.latP99, bare.latP99, whole, '≤ 2× bare', verdict(p99 <= 2)),
      versus([n, 'latency max ms'], onair.latMax, bare.latMax, whole),
      versus([n, 'server CPU % of a core'], onair.serverCpuPct, bare.serverCpuPct, whole),
      versus([n, 'server CPU µs per delivered msg'], onair.serverUsPerMsg, bare.serverUsPerMsg, fixed),
    );
  }
  lines.push(
    '',
    row([
      'subscribers',
      'server',
      'count changes/s sent',
      'stats messages/s on Redis pub/sub',
      'change → pub/sub p50 / p99 ms',
      'change → written, server histogram p50 / p99 ms',
      'server event-loop delay p99 / max ms',
      'versions skipped per subscriber',
      'bytes/msg',
      'SSE client CPU %',
      'other processes CPU %',
      'connect failures',
    ]),
    row(['---:', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
  );
  for (const { onair, bare } of fanout.sizes) {
    for (const [name, r] of [
      ['OnAir', onair],
      ['bare', bare],
    ] as const) {
      lines.push(
        row([
          int(r.n),
          name,
          fixed(r.updatesPerSec, 1),
          fixed(r.publishedPerSec, 1),
          Number.isFinite(r.publishedP50) ? `${fixed(r.publishedP50, 0)} / ${fixed(r.publishedP99, 0)}` : '—',
          Number.isFinite(r.fanoutDelayP50) ? `≤ ${fixed(r.fanoutDelayP50, 0)} / ≤ ${fixed(r.fanoutDelayP99, 0)}` : '—',
          Number.isFinite(r.loopDelayP99) ? `${fixed(r.loopDelayP99, 0)} / ${fixed(r.loopDelayMax, 0)}` : '—',
          fixed(r.skippedVersions / Math.max(1, r.connected), 1),
          int(r.bytesPerMsg),
          fixed(r.clientCpuPct, 0),
          fixed(r.otherCpuPct, 0),
          int(r.failed),
        ]),
      );
    }
  }
  if (fanout.updatePath.length > 0) {
    lines.push(
      '',
      'Diagnosis — OnAir’s update path alone (10 subscribers, so almost no fan-out work), the same measurement at 10 and at 5 count changes a second:',
      '',
      row([
        'changes/s',
        'delivered per subscriber/s',
        'change → pub/sub p50 / p99 ms',
        'end-to-end p50 / p99 ms',
        'versions skipped per subscriber',
        'server event-loop delay p99 ms',
      ]),
      row(['---:', '---:', '---:', '---:', '---:', '---:']),
    );
    for (const { updatesPerSec, result: r } of fanout.updatePath) {
      lines.push(
        row([
          fixed(updatesPerSec, 0),
          fixed(r.msgsPerSec / r.n, 1),
          `${fixed(r.publishedP50, 0)} / ${fixed(r.publishedP99, 0)}`,
          `${fixed(r.latP50, 0)} / ${fixed(r.latP99, 0)}`,
          fixed(r.skippedVersions / Math.max(1, r.connected), 1),
          fixed(r.loopDelayP99, 0),
        ]),
      );
    }
  }
  return lines;
}

function memorySection(memory: NonNullable<ViewersResults['memory']>): string[] {
  const { onair, bare } = memory;
  const perConn = onair.perConnKiB / bare.perConnKiB;
  const valid = onair.perConnKiB > 0 && bare.perConnKiB > 0;
  return [
    `## (c) Server memory per idle subscriber — ${int(onair.n)} subscribers, no updates`,
    '',
    ...versusHead([['metric', '---']]),
    versus(
      ['RSS per idle subscriber KiB'],
      onair.perConnKiB,
      bare.perConnKiB,
      fixed,
      '≤ 2× bare',
      valid ? verdict(perConn <= 2) : '**INVALID** (RSS fell)',
    ),
    versus(
      ['context: live JS heap per idle subscriber KiB (heapUsed after GC)'],
      onair.heapPerConnKiB,
      bare.heapPerConnKiB,
      fixed,
    ),
    row(['RSS before MiB', fixed(onair.beforeKiB / 1024, 1), fixed(bare.beforeKiB / 1024, 1), '—', '—', '—']),
    row([
      `RSS with ${int(onair.n)} subscribers MiB`,
      fixed(onair.afterKiB / 1024, 1),
      fixed(bare.afterKiB / 1024, 1),
      '—',
      '—',
      '—',
    ]),
    row(['RSS settled before each reading', onair.settled ? 'yes' : 'no', bare.settled ? 'yes' : 'no', '—', '—', '—']),
  ];
}

/**
 * Pads every markdown table to its column widths, right-aligning `---:` columns, as Biome formats
 * markdown (the report is committed, and `pnpm lint` checks it).
 */
function alignTables(markdown: string): string {
  const lines = markdown.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    if (!lines[i]?.startsWith('| ')) {
      out.push(lines[i] as string);
      i++;
      continue;
    }
    const block: string[][] = [];
    while (lines[i]?.startsWith('| ')) block.push((lines[i++] as string).slice(2, -2).split(' | '));
    const right = (block[1] ?? []).map((cell) => cell.endsWith(':'));
    const widths = (block[0] ?? []).map((_, column) =>
      Math.max(3, ...block.filter((_, r) => r !== 1).map((cells) => (cells[column] ?? '').length)),
    );
    block.forEach((cells, r) => {
      const padded = widths.map((width, column) => {
        if (r === 1) return right[column] ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width);
        const cell = cells[column] ?? '';
        return right[column] ? cell.padStart(width) : cell.padEnd(width);
      });
      out.push(`| ${padded.join(' | ')} |`);
    });
  }
  return out.join('\n');
}

export function renderReport(results: ViewersResults): string {
  const m = results.machine;
  const lines = [
    '# Viewers benchmark: OnAir against bare Node on the same machine, same run',
    '',
    `${m.date} · Node ${m.node} · ${m.cores} × ${m.cpu} · ${m.memoryGiB} GiB · Redis ${m.redis} (127.0.0.1:6379, shared) · load average at start ${m.loadAverage} · ${m.commit} · run took ${Math.round(m.durationSec)} s`,
    '',
    'Everything runs on one 2-core box: server, Redis, load generator and SSE client compete for the same cores, so only the ratios carry from one run to the next. OnAir is the built `apps/server/dist/main.js` (NODE_ENV=production, LOG_LEVEL=warn, PGlite, WORKER=off) with its own Redis prefix; the bare servers are `bench/src/viewers/bare-*.mjs`.',
    '',
  ];
  if (results.joins) lines.push(...joinsSection(results.joins), '');
  if (results.fanout) lines.push(...fanoutSection(results.fanout), '');
  if (results.memory) lines.push(...memorySection(results.memory), '');
  lines.push(
    '## How it is measured',
    '',
    '- (a) autocannon in its own process, 50 connections, no pipelining, a fresh viewer id per join; OnAir and the bare route run the same `join.lua` with the same keys (one hash tag per live) and the same ioredis options (auto-pipelining). OnAir also validates the input, records metrics, bumps the active-lives set (one more Redis call per join that changes the count) and schedules the stats publication.',
    '- (b) one SSE client process holds every subscriber (250 connections opened at a time, 1.5 s settle before measuring) and parses every frame. Latencies are `Date.now()` at arrival minus the `updatedAt` in the frame: both are this machine’s clock with **1 ms resolution**, so figures below ~2 ms are at the resolution limit.',
    '- (b) OnAir only: the bench also subscribes to the live’s stats channel on Redis pub/sub and times each message the same way (change → pub/sub), which splits OnAir’s latency into the publishing half (join, per-instance coalescing, PUBLISH) and the fan-out half (pub/sub delivery, per-live coalescing, socket writes).',
    '- (c) RSS from `/proc/<pid>/status` (VmRSS), each reading after a warm-up of 200 connections, then two full GCs in the server (`--expose-gc` and a SIGUSR2 handler preloaded into both servers, `gc-on-signal.mjs`, which also reports the server’s `process.memoryUsage()`), once RSS has settled (4 samples 250 ms apart within 0.5 %). OnAir’s process starts at ~0.5 GB (PGlite, the bundle) with free memory inside its allocator, which new connections’ native buffers can reuse without growing RSS; the live-heap row is the steadier comparison of what each subscriber keeps.',
    '- Server CPU from `/proc/<pid>/stat` (10 ms ticks) over the measured window.',
  );
  return `${alignTables(lines.join('\n'))}\n`;
}
