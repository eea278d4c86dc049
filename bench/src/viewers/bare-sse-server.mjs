// The bare SSE broadcaster: node:http, one timer, the same bytes written to every connection.
// A copy of the machine-limits broadcaster that measured this machine's raw SSE fan-out (shared
// limits/sse-server.mjs, "3c: raw SSE fanout server"), kept here because the repository cannot refer
// to files outside it. Changes: frames in OnAir's format and size class (tRPC's SSE dialect with a
// ViewerStats payload, `updatedAt` the send time in ms, `id` the version), serialized once per tick
// into one Buffer; interval 0 broadcasts nothing (idle subscribers, for memory).
// usage: node bare-sse-server.mjs <port> <intervalMs>
import http from 'node:http';

const port = Number(process.argv[2] || 7070);
const interval = Number(process.argv[3] ?? 100);
const liveId = '00000000-0000-4000-8000-000000000000';
const clients = new Set();
const loopMs = [];
let sent = 0;
let ticks = 0;
let lagMax = 0;
let version = 0;
const server = http.createServer((req, res) => {
  if (req.url === '/stats') {
    // stats snapshot + reset
    const s = [...loopMs].sort((a, b) => a - b);
    const q = (p) => (s.length ? +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2) : null);
    res.end(
      JSON.stringify({
        clients: clients.size,
        ticks,
        sent,
        loop_p50_ms: q(0.5),
        loop_p99_ms: q(0.99),
        lag_max_ms: +lagMax.toFixed(1),
      }),
    );
    loopMs.length = 0;
    sent = 0;
    ticks = 0;
    lagMax = 0;
    return;
  }
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
  });
  res.write('event: connected\ndata: {}\n\n\n');
  clients.add(res);
  req.on('close', () => clients.delete(res));
});
server.keepAliveTimeout = 0;
server.requestTimeout = 0;
server.headersTimeout = 0;
server.timeout = 0;
server.maxConnections = 100000;
let next = performance.now() + interval;
function tick() {
  const now = performance.now();
  lagMax = Math.max(lagMax, now - next);
  version++;
  const stats = {
    liveId,
    current: 1000 + (version % 7),
    peak: 1007,
    unique: 1234,
    updatedAt: new Date().toISOString(),
  };
  const frame = Buffer.from(`data: ${JSON.stringify(stats)}\nid: ${version}\n\n\n`);
  for (const res of clients) res.write(frame);
  // http res.write corks and flushes in nextTick; measure after the flush (setImmediate)
  setImmediate(() => loopMs.push(performance.now() - now));
  sent += clients.size;
  ticks++;
  next += interval;
  setTimeout(tick, Math.max(0, next - performance.now()));
}
server.listen({ port, host: '127.0.0.1', backlog: 4096 }, () => {
  process.stdout.write(`${JSON.stringify({ type: 'listening', pid: process.pid })}\n`);
  if (interval > 0) setTimeout(tick, interval);
});
process.on('SIGTERM', () => process.exit(0));
