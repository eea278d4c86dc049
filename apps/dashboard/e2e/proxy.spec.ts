import { expect, test } from '@playwright/test';
import { DASHBOARD_ORIGIN, OPERATOR_TOKEN, operatorClient } from './support/world';

const decoder = new TextDecoder();

test('the proxy hands on each subscription event as it comes, never buffered or compressed', async () => {
  const abort = new AbortController();
  const response = await fetch(`${DASHBOARD_ORIGIN}/api/trpc/live.onUpdate?input=${encodeURIComponent('{}')}`, {
    headers: { accept: 'text/event-stream', 'accept-encoding': 'gzip, br' },
    signal: abort.signal,
  });
  try {
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(response.headers.get('content-encoding')).toBeNull();
    const events = response.body?.getReader();
    if (!events) throw new Error('the event stream has no body');

    let received = '';
    while (!received.includes('event: connected')) received += decoder.decode((await events.read()).value);
    const live = await operatorClient().live.create.mutate({ title: 'Seen through the proxy' });
    while (!received.includes(live.id)) received += decoder.decode((await events.read()).value);
  } finally {
    abort.abort();
  }
});

test('the proxy refuses operator calls that another site makes with the operator’s cookie', async () => {
  const response = await fetch(`${DASHBOARD_ORIGIN}/api/trpc/live.create`, {
    method: 'POST',
    headers: {
      cookie: `onair_operator=${OPERATOR_TOKEN}`,
      'content-type': 'text/plain',
      'sec-fetch-site': 'same-site',
    },
    body: JSON.stringify({ title: 'Forged from a sibling site' }),
  });
  expect(response.status).toBe(403);
  const { items } = await operatorClient().live.list.query({});
  expect(items.map((live) => live.title)).not.toContain('Forged from a sibling site');
});
