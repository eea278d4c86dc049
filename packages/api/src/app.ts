import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { createOperatorCheck, resolveViewerTokenSecret, sharedOperatorName } from './auth';
import { DemoAudiences } from './demo/service';
import { RedisDataLossWatch } from './infra/data-loss';
import { type DatabaseHandle, openDatabase } from './infra/db/client';
import type { Env } from './infra/env';
import { EventConsumer, type EventConsumerOptions } from './infra/event-consumer';
import { createMetrics, type Metrics } from './infra/metrics';
import { Outbox } from './infra/outbox/outbox';
import { OutboxRelay } from './infra/outbox/relay';
import { registerQueueMetrics } from './infra/queue-metrics';
import { RealtimeHub } from './infra/realtime';
import {
  closeRedis,
  createRedis,
  describeRedisTarget,
  eventStreamKey,
  pingEveryMaster,
  queuePrefix,
  type RedisClient,
  readyWithin,
  redisKey,
  redisTargetOf,
} from './infra/redis';
import { liveEnded, liveStarted } from './live/events';
import { IdleLiveEnder } from './live/idle-ender';
import { LiveService } from './live/service';
import { LiveStatusMirror } from './live/status-mirror';
import { SimulatedFaults } from './short-video/faults';
import { Ffmpeg } from './short-video/media/ffmpeg';
import { FfmpegMedia, NoMedia } from './short-video/media/media';
import { RecordingFetcher } from './short-video/media/recording-fetch';
import { LocalMediaStore } from './short-video/media/store';
import { createShortVideoMetrics } from './short-video/metrics';
import { type ShortVideoJobData, shortVideoQueueName } from './short-video/queue';
import { type ReconcileReport, ShortVideoReconciler } from './short-video/reconciler';
import { ShortVideoService } from './short-video/service';
import { createShortVideoProcessor, ShortVideoWorker } from './short-video/worker';
import { PresenceAggregator } from './viewers/aggregator';
import { listenToAllStats, StatsFanout, StatsPublisher } from './viewers/fanout';
import { GuestBudget } from './viewers/guest-budget';
import { ViewerIdentity } from './viewers/identity';
import { PresenceStore } from './viewers/presence';
import { ViewerService } from './viewers/service';
import { Sweeper } from './viewers/sweeper';

/** One running OnAir: its connections and its domain services, wired once at start. */
export interface OnAir {
  env: Env;
  logger: Logger;
  database: DatabaseHandle;
  redis: RedisClient;
  realtime: RealtimeHub;
  metrics: Metrics;
  outbox: Outbox;
  live: LiveService;
  viewers: ViewerService;
  demo: DemoAudiences;
  shortVideo: ShortVideoService;
  /** Every OnAir queue (Bull Board shows them all). */
  queues: Queue[];
  isOperator(authorization: string | undefined): boolean;
  /** The operator's name (OPERATOR_TOKENS, or `operator` for OPERATOR_TOKEN), undefined for anyone else. */
  operatorOf(authorization: string | undefined): string | undefined;
  /**
   * Redis and the database answer; `media` says whether this process can make clips (undefined: it
   * runs no worker, so it needs no ffmpeg), or why not.
   */
  checkReady(): Promise<{ redis: boolean; database: boolean; media: { ok: boolean; reason?: string } | undefined }>;
  /**
   * Starts the background work of an API process: outbox relay, event consumers, the short-video
   * reconciler, and with WORKER=inline the short-video worker.
   */
  start(): void;
  /** Starts the short-video worker only: all a worker process runs. */
  startWorker(): void;
  /** One reconciliation pass now (it also runs at start and every SHORT_VIDEO_RECONCILE_MS). */
  reconcileShortVideos(): Promise<ReconcileReport>;
  /** Stops background work and closes every connection. */
  close(): Promise<void>;
}

export interface CreateOnAirOptions {
  env: Env;
  logger: Logger;
  operatorToken: string;
}

export async function createOnAir({ env, logger, operatorToken }: CreateOnAirOptions): Promise<OnAir> {
  // Infrastructure
  const database = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    prepare: env.DATABASE_PREPARE,
    poolSize: env.DATABASE_POOL_SIZE,
  });
  const redisTarget = redisTargetOf(env);
  const connections: RedisClient[] = [];
  const connect = (role: Parameters<typeof createRedis>[1], name: string) => {
    const connection = createRedis(redisTarget, role, `${env.REDIS_PREFIX}:${name}`, {
      commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
    });
    connection.on('error', (error: Error) =>
      logger.warn({ err: error.message }, `Redis (${name}) unavailable; retrying`),
    );
    connections.push(connection);
    return connection;
  };
  const redis = connect('command', 'api');
  // Its calls fail fast while Redis is away: give a starting Redis a moment before serving.
  if (!(await readyWithin(redis, 5_000)))
    logger.error({ redis: describeRedisTarget(redisTarget) }, 'Redis does not answer; serving degraded until it does');
  const metrics = createMetrics();
  const realtime = new RealtimeHub(
    redis,
    connect('subscriber', 'realtime'),
    env.REDIS_PREFIX,
    logger,
    env.REDIS_COMMAND_TIMEOUT_MS,
  );
  const outbox = new Outbox();
  const eventStream = eventStreamKey(env.REDIS_PREFIX);
  const relay = new OutboxRelay({
    db: database.db,
    redis,
    outbox,
    streamKey: eventStream,
    logger,
    registry: metrics.registry,
  });
  const consumers: EventConsumer[] = [];
  const consumerFor = (group: string, options: Pick<EventConsumerOptions, 'concurrency'> = {}) => {
    const consumer = new EventConsumer({
      redis: connect('queue', `events:${group}`),
      streamKey: eventStream,
      group,
      logger,
      registry: metrics.registry,
      ...options,
    });
    consumers.push(consumer);
    return consumer;
  };

  // Domains
  const statusMirror = new LiveStatusMirror(redis, env.REDIS_PREFIX, env.PRESENCE_SHARDS);
  // The live domain reads viewer counts through ports, never the viewers' internals (the viewers
  // service is built next; the ports are only called once everything is wired).
  const live = new LiveService({
    db: database.db,
    outbox,
    statusMirror,
    realtime,
    logger,
    viewerStats: (liveIds) => viewers.statsOf(liveIds),
    watchViewerStats: (listener) => listenToAllStats(realtime, listener),
  });
  const presence = new PresenceStore(redis, env.REDIS_PREFIX, env.PRESENCE_SHARDS);
  const statsThrottle = { above: env.STATS_THROTTLE_ABOVE, intervalMs: env.STATS_THROTTLED_INTERVAL_MS };
  const statsPublisher = new StatsPublisher(realtime, logger, statsThrottle);
  const viewers: ViewerService = new ViewerService({
    db: database.db,
    presence,
    publisher: statsPublisher,
    fanout: new StatsFanout(realtime, (liveId) => viewers.current(liveId), metrics.registry, statsThrottle),
    liveStatus: (liveId) => live.statusForViewers(liveId),
    identity: new ViewerIdentity({
      mode: env.VIEWER_AUTH,
      secret: resolveViewerTokenSecret(env),
      publicKey: env.VIEWER_TOKEN_PUBLIC_KEY,
      guestBudget: new GuestBudget(redis, env.REDIS_PREFIX, env.GUEST_MINTS_PER_MINUTE),
      registry: metrics.registry,
    }),
    logger,
    registry: metrics.registry,
  });
  const sweeper = new Sweeper(viewers, env.VIEWER_TTL_MS, logger);
  // One live's presence over several shards: its peak and curve are sampled by one instance at a time.
  const aggregator =
    env.PRESENCE_SHARDS > 1
      ? new PresenceAggregator({
          presence,
          publish: (current) => statsPublisher.changed(current),
          periodMs: env.PRESENCE_AGGREGATE_MS,
          logger,
        })
      : undefined;
  const demo = new DemoAudiences(
    env.ENABLE_SIMULATOR,
    viewers,
    (liveId) => live.statusForViewers(liveId),
    env.VIEWER_TTL_MS,
  );
  consumerFor('live-status')
    .on(liveStarted, ({ liveId }) => live.mirrorStatus(liveId, 'LIVE'))
    .on(liveEnded, ({ liveId }) => live.mirrorStatus(liveId, 'ENDED'));
  consumerFor('viewers').on(liveEnded, ({ liveId }) => viewers.freeze(liveId));

  // Short videos: made from `live.ended` by BullMQ workers, in this process or in worker processes.
  const shortVideoQueue = new Queue<ShortVideoJobData>(shortVideoQueueName, {
    // Producers fail fast while Redis is down (the consumer and the reconciler retry); only the
    // worker's connection waits for Redis forever.
    connection: connect('command', `queue:${shortVideoQueueName}`),
    prefix: queuePrefix(env.REDIS_PREFIX, shortVideoQueueName),
  });
  shortVideoQueue.on('error', (error) => logger.warn({ err: error.message }, 'short-video queue error'));
  const queues: Queue[] = [shortVideoQueue];
  registerQueueMetrics(metrics.registry, queues);
  const mediaStore = new LocalMediaStore(env.DATA_DIR);
  const media =
    env.SHORT_VIDEO_MEDIA === 'off'
      ? new NoMedia()
      : new FfmpegMedia({
          ffmpeg: new Ffmpeg(env.FFMPEG_PATH),
          fetcher: new RecordingFetcher({
            hosts: env.RECORDING_HOSTS,
            maxBytes: env.RECORDING_MAX_BYTES,
            timeoutMs: env.RECORDING_TIMEOUT_MS,
          }),
          store: mediaStore,
          workDir: join(env.DATA_DIR, 'work'),
          synthetic: { enabled: env.SYNTHETIC_RECORDINGS, maxSec: env.SYNTHETIC_RECORDING_MAX_SEC },
          preset: env.RENDER_PRESET,
          renderConcurrency: env.RENDER_CONCURRENCY,
        });
  const shortVideo = new ShortVideoService({
    db: database.db,
    queue: shortVideoQueue,
    realtime,
    logger,
    jobPolicy: { attempts: env.SHORT_VIDEO_ATTEMPTS, backoffMs: env.SHORT_VIDEO_BACKOFF_MS },
    media,
    mediaStore,
    faults: new SimulatedFaults(
      redis,
      redisKey(env.REDIS_PREFIX, 'demo', 'short-video-failure-rate'),
      env.SHORT_VIDEO_FAILURE_RATE,
    ),
    viewerTimeline: (liveId) => viewers.timeline(liveId),
  });
  // One event per live and an idempotent handler: order does not matter, so events go in parallel.
  consumerFor('short-video', { concurrency: 16 }).on(liveEnded, async (event) => {
    await shortVideo.onLiveEnded(event);
  });
  const reconciler = new ShortVideoReconciler({
    service: shortVideo,
    endedLives: (query) => live.endedLives(query),
    logger,
    intervalMs: env.SHORT_VIDEO_RECONCILE_MS,
  });
  const dataLossWatch = new RedisDataLossWatch(
    redis,
    env.REDIS_PREFIX,
    // Lost jobs and events are repaired now rather than at the next period of the reconciler.
    () => reconciler.reconcile({ graceMs: 0 }),
    logger,
  );
  const idleLives =
    env.LIVE_IDLE_END_MS === undefined ? undefined : new IdleLiveEnder({ live, idleMs: env.LIVE_IDLE_END_MS, logger });
  const shortVideoMetrics = createShortVideoMetrics(metrics.registry);
  let shortVideoWorker: ShortVideoWorker | undefined;
  const startWorker = () => {
    shortVideoWorker ??= new ShortVideoWorker({
      connection: connect('queue', `worker:${shortVideoQueueName}`),
      prefix: queuePrefix(env.REDIS_PREFIX, shortVideoQueueName),
      concurrency: env.WORKER_CONCURRENCY,
      lockMs: env.SHORT_VIDEO_LOCK_MS,
      processor: createShortVideoProcessor({
        service: shortVideo,
        stageMs: env.SHORT_VIDEO_STAGE_MS,
        faults: shortVideo.faults,
        metrics: shortVideoMetrics,
        logger,
      }),
      logger,
      waitingJobs: () => shortVideoQueue.getWaitingCount(),
      // A video retried while its job was finishing is re-run as soon as the job has failed.
      afterJobFailed: (id) => shortVideo.repairJob({ id }),
    });
    shortVideoWorker.start();
    media.unavailable().then((reason) => {
      if (reason) logger.error({ reason }, `short videos cannot be made here: ${reason}`);
    });
  };

  const operatorOf = createOperatorCheck([
    { name: sharedOperatorName, token: operatorToken },
    ...(env.OPERATOR_TOKENS ?? []),
  ]);
  let started = false;

  return {
    env,
    logger,
    database,
    redis,
    realtime,
    metrics,
    outbox,
    live,
    viewers,
    demo,
    shortVideo,
    queues,
    isOperator: (authorization) => operatorOf(authorization) !== undefined,
    operatorOf,
    async checkReady() {
      const answers = (check: () => Promise<unknown>) =>
        Promise.race([
          check().then(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1_000)),
        ]).catch(() => false);
      const [redisOk, databaseOk, mediaProblem] = await Promise.all([
        answers(() => pingEveryMaster(redis)),
        answers(() => database.ping()),
        shortVideoWorker ? media.unavailable() : undefined,
      ]);
      return {
        redis: redisOk,
        database: databaseOk,
        media: shortVideoWorker ? (mediaProblem ? { ok: false, reason: mediaProblem } : { ok: true }) : undefined,
      };
    },
    start() {
      if (started) return;
      started = true;
      relay.start();
      for (const consumer of consumers) consumer.start();
      sweeper.start();
      aggregator?.start();
      reconciler.start();
      dataLossWatch.start();
      idleLives?.start();
      if (env.WORKER === 'inline') startWorker();
    },
    startWorker,
    reconcileShortVideos: () => reconciler.reconcile(),
    async close() {
      // The worker first, while Redis and the database still answer: it finishes or hands back its jobs.
      await settledWithin(8_000, [
        shortVideoWorker?.stop(),
        reconciler.stop(),
        dataLossWatch.stop(),
        idleLives?.stop(),
      ]);
      await Promise.allSettled([
        relay.stop(),
        sweeper.stop(),
        aggregator?.stop(),
        ...consumers.map((consumer) => consumer.stop()),
      ]);
      await demo.close();
      statsPublisher.close();
      viewers.fanout.close();
      await settledWithin(2_000, [shortVideoQueue.close()]);
      await Promise.allSettled(connections.map(closeRedis));
      await database.close();
    },
  };
}

/**
 * Waits for the steps of a shutdown, but not forever: with Redis unreachable, BullMQ waits for a
 * connection that never comes. What is still pending is abandoned; its connections are cut next.
 */
async function settledWithin(ms: number, steps: (Promise<unknown> | undefined)[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(steps),
    new Promise((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}
