import type { Executor } from '../db/client';
import type { EventDefinition, EventPayload } from '../events';
import { outbox } from './tables';

/** Records an event inside the caller's transaction; the relay publishes it after commit. */
export async function appendToOutbox<TEvent extends EventDefinition>(
  tx: Executor,
  event: TEvent,
  payload: EventPayload<TEvent>,
): Promise<void> {
  await tx.insert(outbox).values({ type: event.type, payload: event.schema.parse(payload) });
}
