import type { LiveStatus } from './schema';

export type LiveAction = 'start' | 'end';

export type LiveTransition =
  | { outcome: 'changed'; to: LiveStatus }
  | { outcome: 'unchanged' }
  | { outcome: 'refused'; reason: string };

/**
 * The whole lifecycle of a live in one table. Repeating an action that already took effect is
 * not an error (clients retry), but going back is.
 */
const transitions: Record<LiveAction, Record<LiveStatus, LiveTransition>> = {
  start: {
    SCHEDULED: { outcome: 'changed', to: 'LIVE' },
    LIVE: { outcome: 'unchanged' },
    ENDED: { outcome: 'refused', reason: 'the live has already ended' },
  },
  end: {
    SCHEDULED: { outcome: 'changed', to: 'ENDED' },
    LIVE: { outcome: 'changed', to: 'ENDED' },
    ENDED: { outcome: 'unchanged' },
  },
};

export function transition(from: LiveStatus, action: LiveAction): LiveTransition {
  return transitions[action][from];
}
