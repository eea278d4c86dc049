import { eventStreamKey, keySlot, queuePrefix, type ViewerStats } from '@onair/api';
import { createOnAirClient, type OnAirClient } from '@onair/client';
import { RedisCluster } from '@onair/redis-cluster';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { adminUrl } from '../support/postgres';
import { type ServerProcess, spawnServer } from '../support/process';
import { createTestEnvironment, operatorToken, type TestEnvironment } from '../support/server';
import { liveOnAir, waitForVideo } from '../support/short-videos';
import { Recorder } from '../support/subscriptions';
import { spawnWorker, type WorkerProcess } from '../support/worker-process';
import { PgBouncer } from './pgbouncer';

/**
 * OnAir past one machine, for real: a 6-node Redis Cluster (3 masters, 3 replicas), two API
 * processes and a worker process, on PostgreSQL through PgBouncer in transaction mode. The tests run
 * in order on the same cluster (the failover tests each kill a different master).
 */
const clusterPorts = [7101, 7102, 7103, 7104, 7105, 7106];
const apiPorts = [4101, 4102, 4103];
const pgbouncerPort = 6433;

let cluster: RedisCluster;
let bouncer: PgBouncer;
let world: TestEnvironment;
let env: Record<string, string>;
const processes: (ServerProcess | WorkerProcess)[] = [];
let apis: ServerProcess[];
let clients: OnAirClient[];
let operator: OnAirClient;

beforeAll(async () => {
  cluster = await RedisCluster.start(clusterPorts);
  bouncer = await PgBouncer.start({ port: pgbouncerPort, upstreamUrl: adminUrl, poolSize: 20 });
  world = await createTestEnvironment('postgres');
  env = {
    REDIS_CLUSTER_NODES: cluster.seeds,
    REDIS_PREFIX: world.prefix,
    OPERATOR_TOKEN: operatorToken,
    DATA_DIR: world.database.env.DATA_DIR,
    // Every process on the pooler, migrations included (under a transaction-level lock).
    DATABASE_URL: bouncer.urlOf(world.database.env.DATABASE_URL as string),
    DATABASE_PREPARE: 'off',
    DATABASE_POOL_SIZE: '5',
    PRESENCE_SHARDS: '8',
    VIEWER_TTL_MS: '120000',
    SHORT_VIDEO_MEDIA: 'off',
    WORKER: 'off',
  };
  apis = await Promise.all(apiPorts.slice(0, 2).map((port) => spawnServer(env, port)));
  processes.push(...apis);
  processes.push(await spawnWorker(world, env));
  clients = apis.map((api) => createOnAirClient({ url: api.trpcUrl }));
  operator = createOnAirClient({ url: apis[0]?.trpcUrl as string, token: operatorToken });
}, 300_000);

afterAll(async () => {
  // A process that died on its own says why in its output: show it with the failures it caused.
  for (const each of processes) {
    if (each.child.exitCode !== null) console.error(`a process exited with ${each.child.exitCode}:\n${each.output()}`);
  }
  await Promise.all(processes.splice(0).map((process) => process.kill('SIGKILL')));
  await bouncer?.stop();
  await cluster?.stop();
  await world?.cleanup();
});

const client = (index: number) => clients[index % clients.length] as OnAirClient;

/** The count each API instance reads. */
async function currentOnEvery(liveId: string): Promise<number[]> {
  return Promise.all(clients.map(async (each) => (await each.viewer.stats.query({ liveId })).current));
}

/** Joins `viewerIds`, `concurrency` at a time, alternating instances; each join retried until it succeeds. */
async function joinAll(liveId: string, viewerIds: string[], concurrency = 200): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < viewerIds.length) {
      const index = next++;
      await vi.waitFor(() => client(index).viewer.join.mutate({ liveId, viewerId: viewerIds[index] as string }), {
        timeout: 30_000,
        interval: 100,
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `${prefix}-${index}`);

describe('keys on a Redis Cluster', () => {
  it('computes slots as Redis does, and spreads lives over every master', async () => {
    for (const key of ['foo', `${world.prefix}:{live:abc}:status`, eventStreamKey(world.prefix), '{}', 'a{}b']) {
      expect(keySlot(key), key).toBe(Number(await cluster.ask(clusterPorts[0] as number, 'cluster', 'keyslot', key)));
    }
    const liveIds: string[] = [];
    for (let index = 0; index < 12; index++) liveIds.push(await liveOnAir(operator, `Spread ${index}`));
    await Promise.all(liveIds.map((liveId, index) => client(index).viewer.join.mutate({ liveId, viewerId: 'one' })));

    const masters = (await cluster.nodes()).filter((node) => node.role === 'master');
    const holding = new Set<number>();
    for (const master of masters) {
      const keys = await cluster.keysOn(master.port, `${world.prefix}:*`);
      if (keys.some((key) => liveIds.some((liveId) => key.includes(liveId)))) holding.add(master.port);
    }
    expect(holding.size).toBe(3);

    // One live's presence alone spreads too: its 8 shards' keys sit on more than one master.
    const [crowded] = liveIds as [string];
    await joinAll(crowded, ids('spread', 64));
    const holdingOne = new Set<number>();
    for (const master of masters) {
      const keys = await cluster.keysOn(master.port, `${world.prefix}:*`);
      if (keys.some((key) => key.includes(crowded))) holdingOne.add(master.port);
    }
    expect(holdingOne.size).toBeGreaterThanOrEqual(2);

    // The event stream is one key, on the master of its slot (its consumer groups with it).
    const streamMaster = await cluster.masterOf(keySlot(eventStreamKey(world.prefix)));
    await vi.waitFor(async () =>
      expect(await cluster.keysOn(streamMaster, eventStreamKey(world.prefix))).toHaveLength(1),
    );
  });
});

describe('presence on a Redis Cluster through two instances', () => {
  it('counts 1,000 concurrent joins of one viewer once', async () => {
    const liveId = await liveOnAir(operator, 'One viewer, many joins');
    await Promise.all(
      Array.from({ length: 1_000 }, (_, index) => client(index).viewer.join.mutate({ liveId, viewerId: 'the-one' })),
    );
    expect(await currentOnEvery(liveId)).toEqual([1, 1]);
  });

  it('has 5,000 viewers joined across both instances exact on both and on a subscriber’s stream', async () => {
    const liveId = await liveOnAir(operator, 'Five thousand');
    const stats = new Recorder<ViewerStats>();
    const subscription = client(1).viewer.onStats.subscribe({ liveId }, stats);
    try {
      await stats.waitFor((event) => event.data.current === 0, 30_000);
      await joinAll(liveId, ids('crowd', 5_000));
      expect(await currentOnEvery(liveId)).toEqual([5_000, 5_000]);
      await stats.waitFor((event) => event.data.current === 5_000, 30_000);
      // Never more than the truth on the way.
      expect(Math.max(...stats.events.map((event) => event.data.current))).toBe(5_000);
    } finally {
      subscription.unsubscribe();
    }
  });
});

describe('a master killed mid-run', () => {
  /** The shard the first failover takes; the second one must be another (its replica is gone). */
  let queueMaster: number;
  let endedLiveId: string;

  it('serves joins again within 10 s, and the counts are exact afterwards', async () => {
    queueMaster = await cluster.masterOf(keySlot(`${queuePrefix(world.prefix, 'short-video')}:x`));
    // A live whose status (and with it the joins' check) lives on another master than the queue.
    let liveId = await liveOnAir(operator, 'Failover');
    while ((await cluster.masterOf(keySlot(`{live:${liveId}}`))) === queueMaster) {
      await operator.live.end.mutate({ id: liveId });
      liveId = await liveOnAir(operator, 'Failover');
    }
    endedLiveId = liveId;
    const before = ids('before', 500);
    await joinAll(liveId, before);

    // Joins keep coming (each retried until it succeeds, as a client would) while the master dies.
    const during: string[] = [];
    let joining = true;
    const joiner = (async () => {
      for (let index = 0; joining; index++) {
        const viewerIds = ids(`during-${index}`, 20);
        await joinAll(liveId, viewerIds, 20);
        during.push(...viewerIds);
      }
    })();
    await vi.waitFor(() => expect(during.length).toBeGreaterThan(100), { timeout: 30_000 });
    const victim = await cluster.masterOf(keySlot(`{live:${liveId}}`));
    await cluster.kill(victim);

    // A join of a viewer never seen, after the kill, succeeds within 10 s.
    const afterKill: string[] = [];
    await vi.waitFor(
      () => {
        afterKill.push(`after-kill-${afterKill.length}`);
        return client(afterKill.length).viewer.join.mutate({ liveId, viewerId: afterKill.at(-1) as string });
      },
      { timeout: 10_000, interval: 50 },
    );
    joining = false;
    await joiner;
    await cluster.waitUntilHealthy({ masters: 3 });

    // Replication is asynchronous: joins the dead master acknowledged may not have reached its
    // replica, and a join refused during the failover may have been applied. Each viewer's next
    // heartbeat re-joins it if it was forgotten: then the count is exact on both instances.
    const everyone = [...before, ...during, ...afterKill];
    const heartbeats = [...everyone];
    await Promise.all(
      Array.from({ length: 100 }, async (_, lane) => {
        for (let viewerId = heartbeats.pop(); viewerId !== undefined; viewerId = heartbeats.pop()) {
          const id = viewerId;
          await vi.waitFor(() => client(lane).viewer.heartbeat.mutate({ liveId, viewerId: id }), {
            timeout: 30_000,
            interval: 100,
          });
        }
      }),
    );
    expect(new Set(everyone).size).toBe(everyone.length);
    expect(await currentOnEvery(liveId)).toEqual([everyone.length, everyone.length]);
  });

  it('makes an ended live’s short video READY while the queue’s master is killed', async () => {
    await operator.live.end.mutate({ id: endedLiveId });
    await cluster.kill(queueMaster);
    const video = await waitForVideo(operator, endedLiveId, (each) => each.status === 'READY', 120_000);
    expect(video.status).toBe('READY');
    await cluster.waitUntilHealthy({ masters: 3 });
    // Every key of the queue sits in its one slot, on the master that now serves it.
    const slot = keySlot(`${queuePrefix(world.prefix, 'short-video')}:x`);
    const master = await cluster.masterOf(slot);
    const queueKeys = await cluster.keysOn(master, `${queuePrefix(world.prefix, 'short-video')}:*`);
    expect(queueKeys.length).toBeGreaterThan(0);
    for (const key of queueKeys) expect(keySlot(key), key).toBe(slot);
  });
});

describe('viewers who stop heartbeating', () => {
  it('expire on every shard', async () => {
    // A third instance with a short TTL: its sweeper expires the silent viewers of every live.
    const sweeping = await spawnServer({ ...env, VIEWER_TTL_MS: '1500' }, apiPorts[2] as number);
    processes.push(sweeping);
    const liveId = await liveOnAir(operator, 'Silent viewers');
    await joinAll(liveId, ids('silent', 400));
    await vi.waitFor(async () => expect(await currentOnEvery(liveId)).toEqual([0, 0]), {
      timeout: 60_000,
      interval: 200,
    });
  });
});
