// The bare join route: node:http, no framework, running OnAir's own join.lua (the file, read at start)
// with the same five keys (one hash tag per live) and the same ioredis options as OnAir's command
// connection (auto-pipelining on). It answers the same JSON envelope as tRPC, and `?batch=1` takes
// `{"0":{...},"1":{...}}` as tRPC does. No validation, metrics or routing: the denominator of (a).
// usage: node bare-join-server.mjs <port> <redisUrl> <prefix> <liveId> <luaPath>
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { Redis } from 'ioredis';

const [port, redisUrl, prefix, liveId, luaPath] = process.argv.slice(2);
if (!port || !redisUrl || !prefix || !liveId || !luaPath)
  throw new Error('usage: <port> <redisUrl> <prefix> <liveId> <luaPath>');

const redis = new Redis(redisUrl, { enableAutoPipelining: true, maxRetriesPerRequest: 2 });
const keyOf = (live, suffix) => `${prefix}:{live:${live}}:${suffix}`;
const sha = await redis.script('LOAD', readFileSync(luaPath, 'utf8'));
await redis.set(keyOf(liveId, 'status'), 'LIVE');

async function join(input) {
  const live = input.liveId;
  const reply = await redis.evalsha(
    sha,
    5,
    keyOf(live, 'status'),
    keyOf(live, 'present'),
    keyOf(live, 'stats'),
    keyOf(live, 'hll'),
    keyOf(live, 'timeline'),
    input.viewerId,
  );
  if (reply[0] !== 1) return { error: { message: 'not live', code: -32603 } };
  const [current, peak, unique, , updatedAt] = reply.slice(2).map(Number);
  return {
    result: {
      data: {
        joined: reply[1] === 1,
        stats: { liveId: live, current, peak, unique, updatedAt: new Date(updatedAt).toISOString() },
      },
    },
  };
}

const server = http.createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => {
    body += chunk;
  });
  req.on('end', async () => {
    try {
      const input = JSON.parse(body);
      const batch = req.url?.includes('batch=1');
      const json = batch ? await Promise.all(Object.values(input).map(join)) : await join(input);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    } catch (error) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(error) } }));
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen({ port: Number(port), host: '127.0.0.1', backlog: 4096 }, () => {
  process.stdout.write(`${JSON.stringify({ type: 'listening', pid: process.pid })}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  redis.disconnect();
  process.exit(0);
});
