import { describe, expect, it } from 'vitest';
import type { LiveStatus } from './schema';
import { type LiveAction, transition } from './state';

describe('live state machine', () => {
  const cases: [LiveStatus, LiveAction, ReturnType<typeof transition>['outcome'], LiveStatus | null][] = [
    ['SCHEDULED', 'start', 'changed', 'LIVE'],
    ['LIVE', 'start', 'unchanged', null],
    ['ENDED', 'start', 'refused', null],
    ['SCHEDULED', 'end', 'changed', 'ENDED'],
    ['LIVE', 'end', 'changed', 'ENDED'],
    ['ENDED', 'end', 'unchanged', null],
  ];

  it.each(cases)('%s --%s--> %s', (from, action, outcome, to) => {
    const result = transition(from, action);
    expect(result.outcome).toBe(outcome);
    if (result.outcome === 'changed') expect(result.to).toBe(to);
  });

  it('never goes back from ENDED', () => {
    for (const action of ['start', 'end'] as const) {
      const result = transition('ENDED', action);
      expect(result.outcome === 'changed').toBe(false);
    }
  });
});
