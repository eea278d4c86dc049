/** Every table, for drizzle-kit and for tests that inspect the database directly. */
export { outbox } from './infra/outbox/tables';
export { lives } from './live/tables';
export { shortVideoSteps, shortVideos } from './short-video/tables';
export { viewerSummaries } from './viewers/tables';
