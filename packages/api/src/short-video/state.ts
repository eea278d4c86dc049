import type { ShortVideoStatus } from './schema';

/** What may happen to a short video: the worker starts, completes or fails it; an operator retries it. */
export type ShortVideoAction = 'start' | 'complete' | 'fail' | 'retry';

export type ShortVideoTransition =
  | { outcome: 'changed'; to: ShortVideoStatus }
  | { outcome: 'unchanged' }
  | { outcome: 'refused'; reason: string };

const refused = (reason: string): ShortVideoTransition => ({ outcome: 'refused', reason });

/**
 * The whole lifecycle in one table: PENDING → PROCESSING → READY | FAILED, and FAILED → PENDING on an
 * operator retry. `unchanged` marks an action that already took effect and may be repeated, because
 * jobs are retried, recovered after a crash or delivered twice: starting a PROCESSING video resumes it,
 * completing a READY one is a no-op. Everything else is refused, and a refusal is an error to the
 * caller, never a silent write.
 */
const transitions: Record<ShortVideoAction, Record<ShortVideoStatus, ShortVideoTransition>> = {
  start: {
    PENDING: { outcome: 'changed', to: 'PROCESSING' },
    PROCESSING: { outcome: 'unchanged' },
    READY: refused('it is already READY'),
    FAILED: refused('it has FAILED; an operator must retry it first'),
  },
  complete: {
    PENDING: refused('it is not being processed'),
    PROCESSING: { outcome: 'changed', to: 'READY' },
    READY: { outcome: 'unchanged' },
    FAILED: refused('it has FAILED'),
  },
  fail: {
    PENDING: refused('it is not being processed'),
    PROCESSING: { outcome: 'changed', to: 'FAILED' },
    READY: refused('it is already READY'),
    FAILED: { outcome: 'unchanged' },
  },
  retry: {
    PENDING: refused('only a FAILED short video can be retried, and it is PENDING'),
    PROCESSING: refused('only a FAILED short video can be retried, and it is PROCESSING'),
    READY: refused('only a FAILED short video can be retried, and it is READY'),
    FAILED: { outcome: 'changed', to: 'PENDING' },
  },
};

export function transition(from: ShortVideoStatus, action: ShortVideoAction): ShortVideoTransition {
  return transitions[action][from];
}

/** The statuses from which `action` moves the video: the guard of its compare-and-set update. */
export function changesFrom(action: ShortVideoAction): ShortVideoStatus[] {
  return (Object.entries(transitions[action]) as [ShortVideoStatus, ShortVideoTransition][])
    .filter(([, result]) => result.outcome === 'changed')
    .map(([from]) => from);
}

/** The statuses from which `action` is allowed at all (moving the video or repeating what took effect). */
export function permittedFrom(action: ShortVideoAction): ShortVideoStatus[] {
  return (Object.entries(transitions[action]) as [ShortVideoStatus, ShortVideoTransition][])
    .filter(([, result]) => result.outcome !== 'refused')
    .map(([from]) => from);
}

/** Where `action` moves a video (each action has exactly one destination). */
export function targetOf(action: ShortVideoAction): ShortVideoStatus {
  for (const result of Object.values(transitions[action])) if (result.outcome === 'changed') return result.to;
  throw new Error(`action ${action} moves nothing`);
}
