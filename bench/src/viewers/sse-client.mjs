// SSE load client, in its own process (after the machine-limits client, shared limits/sse-client.mjs):
// opens N connections (250 at a time), parses frames and measures each data frame's delivery latency
// as Date.now() minus the frame's `updatedAt` (ms resolution on both sides; one machine, one clock).
// Frames are tRPC's SSE dialect: `data: <json>\nid: <id>\n\n\n`, plus `event: connected|ping` frames.
// Reports JSON lines on stdout: {type:'connected'}, then in measure mode {type:'measuring'} and
// {type:'result'}; in hold mode it keeps the connections open until SIGTERM.
// usage: node sse-client.mjs '{"n":1000,"port":7070,"path":"/sse","mode":"measure","measureSec":10,"settleSec":1.5}'
import http from 'node:http';

const options = JSON.parse(process.argv[2] ?? '{}');
const { n, port, path, mode = 'measure', measureSec = 10, settleSec = 1.5 } = options;
const agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
const emit = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

let connected = 0;
let failed = 0;
let closed = 0;
let measuring = false;
let count = 0;
let skipped = 0;
let bytes = 0;
let badFrames = 0;
const lat = new Float64Array(Math.max(1, n * 12 * (measureSec + 5)));
let li = 0;

function open() {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      if (res.statusCode !== 200) {
        failed++;
        res.resume();
        resolve();
        return;
      }
      res.setEncoding('utf8');
      let buf = '';
      let lastId = -1;
      connected++;
      resolve();
      res.on('data', (chunk) => {
        const now = Date.now();
        buf += chunk;
        let i = buf.indexOf('\n\n');
        while (i >= 0) {
          let start = 0;
          while (buf.charCodeAt(start) === 10) start++; // tRPC frames end with a third newline
          const ev = buf.slice(start, i);
          buf = buf.slice(i + 2);
          i = buf.indexOf('\n\n');
          if (!ev.startsWith('data: ')) continue; // event: connected / ping / ...
          const idAt = ev.lastIndexOf('\nid: ');
          // OnAir's ids are `<epoch>-<version>` (versions run on within an epoch); the bare server's a number.
          const rawId = idAt > 0 ? ev.slice(idAt + 5) : '';
          const id = rawId ? Number(rawId.slice(rawId.lastIndexOf('-') + 1)) : Number.NaN;
          const k = ev.indexOf('"updatedAt":"');
          if (k < 0 || Number.isNaN(id)) {
            badFrames++;
            continue;
          }
          if (measuring) {
            count++;
            bytes += ev.length + 3;
            if (lastId >= 0 && id > lastId + 1) skipped += id - lastId - 1;
            if (li < lat.length) lat[li++] = now - Date.parse(ev.slice(k + 13, k + 37));
          }
          lastId = id;
        }
      });
      res.on('close', () => closed++);
    });
    req.on('error', () => {
      failed++;
      resolve();
    });
  });
}

const tc = performance.now();
for (let i = 0; i < n; i += 250) await Promise.all(Array.from({ length: Math.min(250, n - i) }, open));
const connectSecs = (performance.now() - tc) / 1000;
emit({ type: 'connected', connected, failed, connectSecs: +connectSecs.toFixed(2) });

if (mode === 'hold') {
  process.on('SIGTERM', () => process.exit(0));
  setInterval(() => {}, 60_000);
} else {
  await new Promise((r) => setTimeout(r, settleSec * 1000));
  const c0 = process.cpuUsage();
  measuring = true;
  emit({ type: 'measuring' });
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, measureSec * 1000));
  measuring = false;
  const secs = (performance.now() - t0) / 1000;
  const cc = process.cpuUsage(c0);
  const sorted = lat.subarray(0, li).sort();
  const q = (p) => (li ? sorted[Math.min(li - 1, Math.floor(p * li))] : null);
  emit({
    type: 'result',
    n,
    connected,
    failed,
    closedEarly: closed,
    connectSecs: +connectSecs.toFixed(2),
    secs: +secs.toFixed(3),
    msgs: count,
    msgsPerSec: Math.round(count / secs),
    skippedVersions: skipped,
    badFrames,
    bytesPerMsg: count ? Math.round(bytes / count) : 0,
    latP50: q(0.5),
    latP99: q(0.99),
    latMax: q(1),
    clientCpuPct: +((cc.user + cc.system) / 1e4 / secs).toFixed(1),
  });
  process.exit(0);
}
