import { describe, expect, it } from 'vitest';
import type { ShortVideoStatus } from './schema';
import { changesFrom, permittedFrom, type ShortVideoAction, targetOf, transition } from './state';

const statuses: ShortVideoStatus[] = ['PENDING', 'PROCESSING', 'READY', 'FAILED'];
const actions: ShortVideoAction[] = ['start', 'complete', 'fail', 'retry'];

describe('short video state machine', () => {
  it('moves only along PENDING → PROCESSING → READY | FAILED and FAILED → PENDING', () => {
    const edges = new Set<string>();
    for (const from of statuses) {
      for (const action of actions) {
        const result = transition(from, action);
        if (result.outcome === 'changed') edges.add(`${from}→${result.to}`);
      }
    }
    expect([...edges].sort()).toEqual([
      'FAILED→PENDING',
      'PENDING→PROCESSING',
      'PROCESSING→FAILED',
      'PROCESSING→READY',
    ]);
  });

  const cases: [ShortVideoStatus, ShortVideoAction, ReturnType<typeof transition>['outcome']][] = [
    ['PENDING', 'start', 'changed'],
    ['PROCESSING', 'start', 'unchanged'],
    ['READY', 'start', 'refused'],
    ['FAILED', 'start', 'refused'],
    ['PENDING', 'complete', 'refused'],
    ['PROCESSING', 'complete', 'changed'],
    ['READY', 'complete', 'unchanged'],
    ['FAILED', 'complete', 'refused'],
    ['PENDING', 'fail', 'refused'],
    ['PROCESSING', 'fail', 'changed'],
    ['READY', 'fail', 'refused'],
    ['FAILED', 'fail', 'unchanged'],
    ['PENDING', 'retry', 'refused'],
    ['PROCESSING', 'retry', 'refused'],
    ['READY', 'retry', 'refused'],
    ['FAILED', 'retry', 'changed'],
  ];

  it.each(cases)('%s --%s--> %s', (from, action, outcome) => {
    expect(transition(from, action).outcome).toBe(outcome);
  });

  it('explains every refusal', () => {
    for (const from of statuses) {
      for (const action of actions) {
        const result = transition(from, action);
        if (result.outcome === 'refused') expect(result.reason).toMatch(/\w{3}/);
      }
    }
  });

  it('guards each compare-and-set with exactly the statuses the action changes', () => {
    expect(changesFrom('start')).toEqual(['PENDING']);
    expect(changesFrom('complete')).toEqual(['PROCESSING']);
    expect(changesFrom('fail')).toEqual(['PROCESSING']);
    expect(changesFrom('retry')).toEqual(['FAILED']);
    // Starting a PROCESSING video resumes it (a retried or recovered job): the attempt is recorded.
    expect(permittedFrom('start')).toEqual(['PENDING', 'PROCESSING']);
    expect(actions.map(targetOf)).toEqual(['PROCESSING', 'READY', 'FAILED', 'PENDING']);
  });
});
