// Presence load, in its own process: autocannon with C connections (no pipelining) POSTing joins
// (or heartbeats: any `path` taking { liveId, viewerId }) of viewers `<tag>-<counter>`, one per request
// or `batch` per request in tRPC's batch format (`/trpc/viewer.join,viewer.join,...?batch=1`, body
// `{"0":{...},"1":{...}}`). A warm-up run first, then the measured run. Reports JSON lines:
// {type:'measuring'} and {type:'result'}.
// usage: node joins-load.mjs '{"port":4000,"path":"/trpc/viewer.join","liveId":"...","batch":1,
//                              "connections":50,"warmupSec":3,"durationSec":10,"tag":"r1"}'
// Options for a held audience: `firstViewer` (the counter's start), `viewers` (ids wrap after that
// many, so the same audience comes back), `rate` (requests/s over all connections), and `amount`
// (stop after that many requests instead of after durationSec).
import { createHmac } from 'node:crypto';
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2] ?? '{}');
const {
  port,
  path,
  liveId,
  batch = 1,
  connections = 50,
  warmupSec = 3,
  durationSec = 10,
  tag = 'v',
  viewerSecret,
  firstViewer = 0,
  viewers,
  rate,
  amount,
} = options;
const emit = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

let counter = 0;
const nextViewer = () => `${tag}-${firstViewer + (viewers ? counter++ % viewers : counter++)}`;
// With viewerSecret: an HS256 viewer token per viewer, as a platform's backend would sign it.
const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const tokenHeader = encode({ alg: 'HS256', typ: 'JWT' });
const sign = (sub) => {
  const unsigned = `${tokenHeader}.${encode({ sub, exp: Math.floor(Date.now() / 1000) + 3600 })}`;
  return `${unsigned}.${createHmac('sha256', viewerSecret).update(unsigned).digest('base64url')}`;
};
const viewer = () => (viewerSecret ? { liveId, viewerToken: sign(nextViewer()) } : { liveId, viewerId: nextViewer() });
const body = () => {
  if (batch === 1) return JSON.stringify(viewer());
  const inputs = {};
  for (let i = 0; i < batch; i++) inputs[i] = viewer();
  return JSON.stringify(inputs);
};

function run(seconds) {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    pipelining: 1,
    ...(amount ? { amount } : { duration: seconds }),
    ...(rate ? { overallRate: rate } : {}),
    requests: [
      {
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: body() }),
      },
    ],
  });
}

if (warmupSec > 0) await run(warmupSec);
emit({ type: 'measuring' });
const c0 = process.cpuUsage();
const startedAt = performance.now();
const result = await run(durationSec);
const secs = (performance.now() - startedAt) / 1000;
const cc = process.cpuUsage(c0);
const ok = result['2xx'];
emit({
  type: 'result',
  secs: +secs.toFixed(3),
  requests: result.requests.total,
  ok,
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  requestsPerSec: result.duration ? +(ok / result.duration).toFixed(1) : 0,
  joinsPerSec: result.duration ? +((ok * batch) / result.duration).toFixed(1) : 0,
  durationSec: result.duration,
  latP50: result.latency.p50,
  latP99: result.latency.p99,
  latP999: result.latency.p99_9,
  latMax: result.latency.max,
  viewersSent: counter,
  clientCpuPct: +((cc.user + cc.system) / 1e4 / secs).toFixed(1),
});
process.exit(0);
