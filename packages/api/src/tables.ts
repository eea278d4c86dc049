/** Every table, for drizzle-kit and for tests that inspect the database directly. */

export { outbox } from './infra/outbox/tables';
export { lives } from './live/tables';
