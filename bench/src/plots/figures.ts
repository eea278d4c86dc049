import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { resultsDir } from '../results';
import { type Audience, capacity, type Headroom, type MeasuredCosts } from './capacity';
import { type Chart, renderChart } from './svg-chart';

/**
 * The figures of docs/scaling.md from bench/results/*.json (written by `pnpm bench`), as SVG into
 * docs/scaling/; returns the capacity model's table (markdown). A section whose results are
 * missing draws nothing and says so. `pnpm bench` calls it after its sections; `pnpm plots` alone.
 */

const figuresDir = resolve(resultsDir, '../../docs/scaling');

// Only the fields the figures use; the files hold more.
const joinsRun = z.object({ joinsPerSec: z.number(), serverUsPerJoin: z.number(), redisCpuPct: z.number() });
const fanoutRun = z.object({
  n: z.number(),
  msgsPerSec: z.number(),
  latP50: z.number(),
  latP99: z.number(),
  serverUsPerMsg: z.number(),
});
const viewersFile = z.object({
  writtenAt: z.string(),
  results: z.object({
    joins: z.object({
      onairUnbatched: joinsRun,
      bareUnbatched: joinsRun,
      onairBatched: joinsRun,
      bareBatched: joinsRun,
      onairTokens: joinsRun.optional(),
      generic: joinsRun.optional(),
    }),
    fanout: z.object({ sizes: z.array(z.object({ onair: fanoutRun, bare: fanoutRun })).min(1) }),
  }),
});
const pipelineFile = z.object({
  writtenAt: z.string(),
  results: z.object({ drainPerSec: z.number(), withEndsPerSec: z.number(), barePerSec: z.number() }),
});

const megaLiveFile = z.object({
  writtenAt: z.string(),
  results: z.object({ hold: z.object({ apiUsPerHeartbeat: z.number().optional() }) }),
});

function read<T>(section: string, schema: z.ZodType<T>): T | undefined {
  const file = join(resultsDir, `${section}.json`);
  if (!existsSync(file)) {
    process.stderr.write(`no ${file}: run pnpm bench (BENCH_ONLY=${section}) first; its figures are not drawn\n`);
    return undefined;
  }
  return schema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

function write(name: string, chart: Chart): void {
  mkdirSync(figuresDir, { recursive: true });
  writeFileSync(join(figuresDir, `${name}.svg`), renderChart(chart));
  process.stderr.write(`docs/scaling/${name}.svg\n`);
}

export function drawFigures(): string {
  const viewers = read('viewers', viewersFile);
  const pipeline = read('pipeline', pipelineFile);
  const megaLive = read('mega-live', megaLiveFile);
  let model = '';
  if (viewers) {
    const { joins, fanout } = viewers.results;
    const paths = [
      ['unbatched', joins.onairUnbatched, joins.bareUnbatched],
      ['batched ×10', joins.onairBatched, joins.bareBatched],
      ...(joins.onairTokens ? [['viewer tokens', joins.onairTokens, joins.bareUnbatched] as const] : []),
    ] as const;
    write('joins', {
      kind: 'bar',
      title: `Joins per second on one 2-core machine (${viewers.writtenAt.slice(0, 10)})`,
      xLabel: 'join path',
      yLabel: 'joins/s',
      categories: paths.map(([name]) => name),
      series: [
        { name: 'OnAir', points: paths.map(([, onair], x) => ({ x, y: onair.joinsPerSec })) },
        { name: 'bare Node + same Lua', points: paths.map(([, , bare], x) => ({ x, y: bare.joinsPerSec })) },
      ],
    });
    write('fanout-throughput', {
      kind: 'line',
      title: 'Stats messages delivered per second, one live at 10 updates/s',
      xLabel: 'subscribers on one instance',
      yLabel: 'messages/s',
      series: [
        { name: 'OnAir', points: fanout.sizes.map(({ onair }) => ({ x: onair.n, y: onair.msgsPerSec })) },
        { name: 'bare Node', points: fanout.sizes.map(({ bare }) => ({ x: bare.n, y: bare.msgsPerSec })) },
      ],
    });
    write('fanout-latency', {
      kind: 'line',
      title: 'Count change to subscriber, latency',
      xLabel: 'subscribers on one instance',
      yLabel: 'ms',
      series: [
        { name: 'OnAir p50', points: fanout.sizes.map(({ onair }) => ({ x: onair.n, y: onair.latP50 })) },
        { name: 'OnAir p99', points: fanout.sizes.map(({ onair }) => ({ x: onair.n, y: onair.latP99 })) },
        { name: 'bare p50', points: fanout.sizes.map(({ bare }) => ({ x: bare.n, y: bare.latP50 })) },
        { name: 'bare p99', points: fanout.sizes.map(({ bare }) => ({ x: bare.n, y: bare.latP99 })) },
      ],
    });

    const tokenJoins = joins.onairTokens ?? joins.onairUnbatched;
    const largest = fanout.sizes.reduce((a, b) => (b.onair.n > a.onair.n ? b : a));
    // A heartbeat as the mega-live section measured it (bare ids, 8 shards), plus what verifying a
    // token adds (token joins against bare-id joins); without that section, a token join's cost.
    const tokenOverhead = tokenJoins.serverUsPerJoin - joins.onairUnbatched.serverUsPerJoin;
    const measuredHeartbeat = megaLive?.results.hold.apiUsPerHeartbeat;
    const costs: MeasuredCosts = {
      apiUsPerJoin: tokenJoins.serverUsPerJoin,
      apiUsPerHeartbeat:
        measuredHeartbeat === undefined ? tokenJoins.serverUsPerJoin : measuredHeartbeat + tokenOverhead,
      apiUsPerMessage: largest.onair.serverUsPerMsg,
      redisUsPerPresenceCall: (joins.onairUnbatched.redisCpuPct * 10_000) / joins.onairUnbatched.joinsPerSec,
    };
    const headroom: Headroom = {
      apiCpuTarget: 0.65,
      redisCpuTarget: 0.5,
      streamsPerInstance: 10_000,
      presenceShards: 1,
    };
    const audience = (viewersCount: number, lives: number, messagesPerViewerPerSec: number): Audience => ({
      viewers: viewersCount,
      lives,
      messagesPerViewerPerSec,
      heartbeatIntervalSec: 30,
      sessionSec: 600,
    });

    const counts = [1e3, 3e3, 1e4, 3e4, 1e5, 3e5, 1e6];
    write('capacity', {
      kind: 'line',
      logX: true,
      title: 'API instances for an audience (model from the measured costs)',
      xLabel: 'concurrent viewers',
      yLabel: 'API instances (1 core, 65 % CPU)',
      series: [
        {
          name: '10 updates/s',
          points: counts.map((x) => ({ x, y: capacity(costs, audience(x, x / 100, 10), headroom).apiInstances })),
        },
        {
          name: '1 update/s',
          points: counts.map((x) => ({ x, y: capacity(costs, audience(x, x / 100, 1), headroom).apiInstances })),
        },
      ],
    });

    const scenarios: [string, Audience, Headroom][] = [
      ['100k viewers over 1,000 lives, 10 updates/s', audience(1e5, 1_000, 10), headroom],
      ['1M viewers over 10,000 lives, 10 updates/s', audience(1e6, 10_000, 10), headroom],
      ['1M viewers on one live, 1 update/s, 1 shard', audience(1e6, 1, 1), headroom],
      ['1M viewers on one live, 1 update/s, 8 shards', audience(1e6, 1, 1), { ...headroom, presenceShards: 8 }],
    ];
    const round = (value: number, digits = 1) => value.toFixed(digits);
    const lines = [
      `Costs (${viewers.writtenAt}${megaLive ? `, heartbeats ${megaLive.writtenAt}` : ''}): join ${round(costs.apiUsPerJoin, 0)} µs, heartbeat ${round(costs.apiUsPerHeartbeat, 0)} µs API CPU, message ${round(costs.apiUsPerMessage)} µs API CPU, presence call ${round(costs.redisUsPerPresenceCall)} µs Redis CPU`,
      '',
      '| audience | heartbeats/s | joins/s | messages/s | API cores (hb + joins + fan-out) | API instances | Redis cores | Redis masters | hottest slot cores |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...scenarios.map(([name, who, room]) => {
        const c = capacity(costs, who, room);
        return `| ${name} | ${Math.round(c.heartbeatsPerSec).toLocaleString('en-US')} | ${Math.round(c.joinsPerSec).toLocaleString('en-US')} | ${Math.round(c.messagesPerSec).toLocaleString('en-US')} | ${round(c.apiCores.heartbeats)} + ${round(c.apiCores.joins)} + ${round(c.apiCores.fanout)} = ${round(c.apiCores.total)} | ${c.apiInstances} (${c.apiInstancesFor}) | ${round(c.redisCores, 2)} | ${c.redisMasters} | ${round(c.hottestSlotCores, 2)}${c.hottestSlotFits ? '' : ' (over one master)'} |`;
      }),
    ];
    model = `${lines.join('\n')}\n`;
  }

  if (pipeline) {
    const { drainPerSec, withEndsPerSec } = pipeline.results;
    write('pipeline', {
      kind: 'bar',
      title: `Short videos per second, one 2-core machine (${pipeline.writtenAt.slice(0, 10)})`,
      xLabel: 'run',
      yLabel: 'short videos/s',
      categories: ['draining ended lives', 'with live.end calls in flight'],
      series: [
        {
          name: 'OnAir pipeline',
          points: [
            { x: 0, y: drainPerSec },
            { x: 1, y: withEndsPerSec },
          ],
        },
      ],
    });
  }
  return model;
}
