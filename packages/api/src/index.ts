export { type CreateOnAirOptions, createOnAir, type OnAir } from './app';
export { resolveOperatorToken } from './auth';
export { type DatabaseHandle, openDatabase } from './infra/db/client';
export { ConfigError, type Env, loadEnv } from './infra/env';
export { createLogger } from './infra/logger';
export {
  deleteKeysMatching,
  eventStreamKey,
  keySlot,
  queuePrefix,
  type RedisClient,
} from './infra/redis';
export { connectedFrame, pingFrame, serializedErrorFrame } from './infra/sse';
export type { LiveSession, LiveStatus } from './live/schema';
export { type AppRouter, appRouter } from './root';
export { ffmpegArgs } from './short-video/media/ffmpeg';
export { renderArgs } from './short-video/media/media';
export { type MediaKind, type MediaStore, mediaContentType } from './short-video/media/store';
export type { ShortVideo, ShortVideoStatus, ShortVideoStep, ShortVideoWithHistory } from './short-video/schema';
export type { Context, ProcedureMeta } from './trpc';
export { retryAfterOf, toTRPCError } from './trpc';
export { StatsStream, type StatsSubscriber } from './viewers/fanout';
export { PresenceLayout, presenceKeysOfLive } from './viewers/layout';
export type { ViewerStats } from './viewers/schema';
export { nothingSeen, type StatsOrder } from './viewers/stats-order';
