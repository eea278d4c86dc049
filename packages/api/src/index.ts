export { type CreateOnAirOptions, createOnAir, type OnAir } from './app';
export { resolveOperatorToken } from './auth';
export { ConfigError, type Env, loadEnv } from './infra/env';
export { createLogger } from './infra/logger';
export type { LiveSession, LiveStatus } from './live/schema';
export { type AppRouter, appRouter } from './root';
export type { Context } from './trpc';
export type { ViewerStats } from './viewers/schema';
