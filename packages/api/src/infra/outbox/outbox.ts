import type { Executor } from '../db/client';
import type { EventDefinition, EventPayload } from '../events';
import { outbox } from './tables';

/**
 * Where domains record their events: inside the transaction of the change (so an event exists if and
 * only if its change committed), followed by `committed()` so the relay publishes without waiting
 * for its next poll.
 */
export class Outbox {
  private readonly listeners = new Set<() => void>();

  async append<TEvent extends EventDefinition>(
    tx: Executor,
    event: TEvent,
    payload: EventPayload<TEvent>,
  ): Promise<void> {
    await tx.insert(outbox).values({ type: event.type, payload: event.schema.parse(payload) });
  }

  committed(): void {
    for (const listener of this.listeners) listener();
  }

  onCommitted(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
