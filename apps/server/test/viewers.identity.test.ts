import { generateKeyPairSync } from 'node:crypto';
import { createOnAirClient, ViewerSession } from '@onair/client';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnvironment, type TestEnvironment, type TestServer } from './support/server';

/**
 * Viewer identity in `token` mode: signed viewers, budgeted guests, and refusals that change nothing.
 * Every server here belongs to one deployment (one database, one Redis prefix) and trusts the
 * loopback address as its proxy, so each test budgets guests under forwarded addresses of its own.
 */
const secret = 'identity-test-viewer-token-secret-0123456789';
const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const publicKeyPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

let world: TestEnvironment;
let servers: { a: TestServer; b: TestServer; tRPC: TestServer; untrusting: TestServer; platformKey: TestServer };

const tokenMode = { VIEWER_AUTH: 'token', VIEWER_TOKEN_SECRET: secret, GUEST_MINTS_PER_MINUTE: '20' };

beforeAll(async () => {
  world = await createTestEnvironment('pglite');
  servers = {
    a: await world.start({ ...tokenMode, TRUST_PROXY: '127.0.0.1' }),
    b: await world.start({ ...tokenMode, TRUST_PROXY: '127.0.0.1' }),
    tRPC: await world.start({ ...tokenMode, TRUST_PROXY: '127.0.0.1' }, { dataPlane: false }),
    // Trusts another proxy only: a loopback peer's X-Forwarded-For is the peer's own word, ignored.
    untrusting: await world.start({ ...tokenMode, TRUST_PROXY: '10.255.255.1' }),
    platformKey: await world.start({ ...tokenMode, VIEWER_TOKEN_PUBLIC_KEY: publicKeyPem }),
  };
});
afterAll(() => world.cleanup());

let addresses = 0;
/** A client address no other test uses (documentation range 198.51.100.0/24, then 203.0.113.0/24). */
const freshAddress = () => {
  addresses++;
  return addresses < 250 ? `198.51.100.${addresses}` : `203.0.113.${addresses - 249}`;
};

async function onAirLive(title: string): Promise<string> {
  const live = await servers.a.operator.live.create.mutate({ title });
  await servers.a.operator.live.start.mutate({ id: live.id });
  return live.id;
}

interface Answer {
  status: number;
  retryAfter: string | null;
  body: { result?: { data: Record<string, unknown> }; error?: { data: { code: string; httpStatus: number } } };
}

async function call(
  server: TestServer,
  procedure: 'join' | 'heartbeat' | 'leave',
  input: Record<string, unknown>,
  forwardedFor?: string,
): Promise<Answer> {
  const response = await fetch(`${server.trpcUrl}/viewer.${procedure}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
    body: JSON.stringify(input),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Answer['body'],
  };
}

const data = (answer: Answer) => answer.body.result?.data as Record<string, unknown>;
const current = async (liveId: string) => (await servers.a.client.viewer.stats.query({ liveId })).current;

function sign(claims: Record<string, unknown>, options: { expiresIn?: string | number; key?: string } = {}) {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
  if (options.expiresIn !== undefined) jwt.setExpirationTime(options.expiresIn);
  return jwt.sign(new TextEncoder().encode(options.key ?? secret));
}

const viewerToken = (sub: string, extra: Record<string, unknown> = {}) => sign({ sub, ...extra }, { expiresIn: '5m' });

describe('signed viewers', () => {
  it('counts a signed viewer joining twice once, on either instance', async () => {
    const liveId = await onAirLive('Signed twice');
    const token = await viewerToken('alice');
    const first = await call(servers.a, 'join', { liveId, viewerToken: token });
    const second = await call(servers.b, 'join', { liveId, viewerToken: token });
    expect(first.status).toBe(200);
    expect(data(first)).toMatchObject({ joined: true, stats: { current: 1 } });
    expect(data(second)).toMatchObject({ joined: false, stats: { current: 1 } });
    // A signed viewer gets no guest token back.
    expect(data(first).viewerToken).toBeUndefined();
    expect(data(await call(servers.a, 'heartbeat', { liveId, viewerToken: token }))).toMatchObject({
      stats: { current: 1 },
    });
    expect(data(await call(servers.b, 'leave', { liveId, viewerToken: token }))).toMatchObject({
      left: true,
      stats: { current: 0 },
    });
  });

  it('works through @onair/client: a ViewerSession acts with its token, or keeps the guest token it was given', async () => {
    const liveId = await onAirLive('Client');
    const signed = new ViewerSession(servers.a.client, {
      liveId,
      viewerToken: await viewerToken('carol', { live: liveId }),
    });
    expect(await signed.join()).toMatchObject({ joined: true });
    // Through the trusted proxy from an address of its own: the loopback's budget is another test's.
    const proxied = createOnAirClient({ url: servers.a.trpcUrl, headers: { 'x-forwarded-for': freshAddress() } });
    const guest = new ViewerSession(proxied, { liveId });
    expect(guest.viewerToken).toBeUndefined();
    expect(await guest.join()).toMatchObject({ joined: true, stats: { current: 2 } });
    expect(guest.viewerToken).toEqual(expect.any(String));
    expect(await guest.heartbeat()).toMatchObject({ stats: { current: 2 } });
    expect(await guest.leave()).toMatchObject({ left: true, stats: { current: 1 } });
    expect(await signed.leave()).toMatchObject({ left: true, stats: { current: 0 } });
  });

  it("sends a guest's heartbeat and leave made before its join has answered with the token that answer gives", async () => {
    const liveId = await onAirLive('Impatient guest');
    const proxied = createOnAirClient({ url: servers.a.trpcUrl, headers: { 'x-forwarded-for': freshAddress() } });
    const staying = new ViewerSession(proxied, { liveId });
    const [joined, heartbeat] = await Promise.all([staying.join(), staying.heartbeat()]);
    expect(joined).toMatchObject({ joined: true, stats: { current: 1 } });
    expect(heartbeat).toMatchObject({ stats: { current: 1 } });
    const leaving = new ViewerSession(proxied, { liveId });
    const [, left] = await Promise.all([leaving.join(), leaving.leave()]);
    expect(left).toMatchObject({ left: true, stats: { current: 1 } });
  });

  it('refuses forged, expired, alg:none and wrong-algorithm tokens, bare ids and token-less calls with 401, changing nothing', async () => {
    const liveId = await onAirLive('Refusals');
    const present = await viewerToken('present');
    await call(servers.a, 'join', { liveId, viewerToken: present });
    const header = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = header({ sub: 'mallory', exp: Math.floor(Date.now() / 1000) + 300 });
    const wrongAlgorithm = await new SignJWT({ sub: 'mallory' })
      .setProtectedHeader({ alg: 'HS384' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(secret));
    const refused: [string, 'join' | 'heartbeat' | 'leave', Record<string, unknown>][] = [
      ['forged', 'join', { viewerToken: await sign({ sub: 'mallory' }, { expiresIn: '5m', key: `${secret}-not` }) }],
      [
        'expired',
        'join',
        { viewerToken: await sign({ sub: 'mallory' }, { expiresIn: Math.floor(Date.now() / 1000) - 60 }) },
      ],
      ['without exp', 'join', { viewerToken: await sign({ sub: 'mallory' }) }],
      ['alg none', 'join', { viewerToken: `${header({ alg: 'none', typ: 'JWT' })}.${claims}.` }],
      ['wrong algorithm', 'join', { viewerToken: wrongAlgorithm }],
      ['garbage', 'join', { viewerToken: 'not-a-jwt' }],
      ['a bare viewerId', 'join', { viewerId: 'mallory' }],
      ['a sub that is no viewer id', 'join', { viewerToken: await viewerToken('has spaces') }],
      ['a heartbeat without a token', 'heartbeat', { viewerId: 'present' }],
      ['a leave without a token', 'leave', { viewerId: 'present' }],
      ['a leave with nothing', 'leave', {}],
      [
        'a forged leave',
        'leave',
        { viewerToken: await sign({ sub: 'present' }, { expiresIn: '5m', key: `${secret}-x` }) },
      ],
    ];
    for (const [what, procedure, input] of refused) {
      for (const server of [servers.a, servers.tRPC]) {
        const answer = await call(server, procedure, { liveId, ...input });
        expect(answer.status, what).toBe(401);
        expect(answer.body.error?.data.code, what).toBe('UNAUTHORIZED');
      }
    }
    expect(await current(liveId)).toBe(1);
    const metrics = await (await fetch(`${servers.a.url}/metrics`)).text();
    expect(metrics).toMatch(/onair_viewer_refusals_total\{reason="invalid-token"\} [1-9]/);
    expect(metrics).toMatch(/onair_viewer_refusals_total\{reason="expired-token"\} [1-9]/);
  });

  it('refuses a token whose live claim names another live with 403', async () => {
    const liveId = await onAirLive('Claimed');
    const other = await onAirLive('Other');
    const token = await viewerToken('dave', { live: other });
    for (const server of [servers.a, servers.tRPC]) {
      const answer = await call(server, 'join', { liveId, viewerToken: token });
      expect(answer.status).toBe(403);
      expect(answer.body.error?.data.code).toBe('FORBIDDEN');
    }
    expect(await current(liveId)).toBe(0);
    expect(data(await call(servers.a, 'join', { liveId: other, viewerToken: token }))).toMatchObject({ joined: true });
  });

  it('verifies a platform’s ES256 token with its public key, and refuses algorithm confusion', async () => {
    const liveId = await onAirLive('Platform key');
    const es256 = await new SignJWT({ sub: 'erin' })
      .setProtectedHeader({ alg: 'ES256' })
      .setExpirationTime('5m')
      .sign(keys.privateKey);
    expect(data(await call(servers.platformKey, 'join', { liveId, viewerToken: es256 }))).toMatchObject({
      joined: true,
    });
    // HS256 "signed" with the public key as its secret: refused, the key is an EC key and only ES256 verifies with it.
    const confused = await sign({ sub: 'mallory' }, { expiresIn: '5m', key: publicKeyPem });
    expect((await call(servers.platformKey, 'join', { liveId, viewerToken: confused })).status).toBe(401);
    // A server without the public key does not take the platform's tokens.
    expect((await call(servers.a, 'join', { liveId, viewerToken: es256 })).status).toBe(401);
    expect(await current(liveId)).toBe(1);
  });
});

describe('guests', () => {
  it('a guest join without a token returns a token, heartbeats and leaves with it', async () => {
    const liveId = await onAirLive('Guest');
    const address = freshAddress();
    const joined = await call(servers.a, 'join', { liveId }, address);
    expect(joined.status).toBe(200);
    expect(data(joined)).toMatchObject({ joined: true, stats: { current: 1 } });
    const token = data(joined).viewerToken;
    expect(typeof token).toBe('string');
    expect(data(await call(servers.b, 'heartbeat', { liveId, viewerToken: token }))).toMatchObject({
      stats: { current: 1 },
    });
    expect(data(await call(servers.b, 'join', { liveId, viewerToken: token }))).toMatchObject({ joined: false });
    expect(data(await call(servers.a, 'leave', { liveId, viewerToken: token }))).toMatchObject({
      left: true,
      stats: { current: 0 },
    });
  });

  it("a guest's token leaves only the guest, and only on its live", async () => {
    const liveId = await onAirLive('Guest leaves');
    const other = await onAirLive('Guest elsewhere');
    const alice = await viewerToken('alice');
    await call(servers.a, 'join', { liveId, viewerToken: alice });
    await call(servers.a, 'join', { liveId: other, viewerToken: alice });
    const guest = data(await call(servers.a, 'join', { liveId }, freshAddress())).viewerToken;
    expect(await current(liveId)).toBe(2);
    expect((await call(servers.a, 'leave', { liveId: other, viewerToken: guest })).status).toBe(403);
    expect(data(await call(servers.a, 'leave', { liveId, viewerToken: guest }))).toMatchObject({
      left: true,
      stats: { current: 1 },
    });
    expect(data(await call(servers.a, 'leave', { liveId, viewerToken: guest }))).toMatchObject({ left: false });
    expect(await current(liveId)).toBe(1);
    expect(await current(other)).toBe(1);
  });

  it('40 quick guest joins from one address with a budget of 20: at most 20 counted, then 429 with Retry-After', async () => {
    const liveId = await onAirLive('Budget');
    const address = freshAddress();
    const answers = await Promise.all(Array.from({ length: 40 }, () => call(servers.a, 'join', { liveId }, address)));
    const admitted = answers.filter((answer) => answer.status === 200);
    const refused = answers.filter((answer) => answer.status === 429);
    expect(admitted.length).toBe(20);
    expect(refused.length).toBe(20);
    expect(await current(liveId)).toBe(20);
    for (const answer of refused) {
      expect(answer.body.error?.data.code).toBe('TOO_MANY_REQUESTS');
      const seconds = Number(answer.retryAfter);
      expect(Number.isInteger(seconds) && seconds >= 1 && seconds <= 60).toBe(true);
    }
    // tRPC's own path answers the same, Retry-After included.
    const onTrpc = await call(servers.tRPC, 'join', { liveId }, address);
    expect(onTrpc.status).toBe(429);
    expect(Number(onTrpc.retryAfter)).toBeGreaterThanOrEqual(1);
    // Another address has its own budget; a signed viewer needs none.
    expect((await call(servers.a, 'join', { liveId }, freshAddress())).status).toBe(200);
    expect((await call(servers.a, 'join', { liveId, viewerToken: await viewerToken('frank') }, address)).status).toBe(
      200,
    );
    expect(await current(liveId)).toBe(22);
    const metrics = await (await fetch(`${servers.a.url}/metrics`)).text();
    expect(metrics).toMatch(/onair_viewer_refusals_total\{reason="guest-budget"\} 20/);
    expect(metrics).toMatch(/onair_viewer_guests_minted_total [2-9]\d/);
  });

  it('holds the budget across two server instances', async () => {
    const liveId = await onAirLive('Budget across instances');
    const address = freshAddress();
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, index) => call(index % 2 ? servers.a : servers.b, 'join', { liveId }, address)),
    );
    expect(answers.filter((answer) => answer.status === 200).length).toBe(20);
    expect(answers.filter((answer) => answer.status === 429).length).toBe(20);
    expect(await current(liveId)).toBe(20);
  });

  it('behind a trusted proxy budgets each forwarded address; a forged X-Forwarded-For from an untrusted peer is ignored', async () => {
    const liveId = await onAirLive('Proxies');
    // Trusted: 25 joins, each from its own forwarded client, all admitted.
    const forwarded = await Promise.all(
      Array.from({ length: 25 }, () => call(servers.a, 'join', { liveId }, `${freshAddress()}, 127.0.0.1`)),
    );
    expect(forwarded.every((answer) => answer.status === 200)).toBe(true);
    // Untrusted: 25 joins with 25 forged addresses are all the peer's own (loopback): 20 admitted.
    const forged = await Promise.all(
      Array.from({ length: 25 }, () => call(servers.untrusting, 'join', { liveId }, freshAddress())),
    );
    expect(forged.filter((answer) => answer.status === 200).length).toBe(20);
    expect(forged.filter((answer) => answer.status === 429).length).toBe(5);
    expect(await current(liveId)).toBe(45);
  });
});
