import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ViewerSimulation } from '@onair/api/simulation';
import { createOnAirClient } from '@onair/client';
import { type SimulatedIdentity, simulatedViewerCalls } from './viewers';

const usage = `Usage: pnpm simulate [options]

Drives realistic viewer traffic into a live and checks the server's count against the expected one.

  --url <url>          tRPC endpoint (default $API_URL/trpc, else http://localhost:$PORT/trpc, PORT 4000)
  --token <token>      operator token, to create and start a live (default $OPERATOR_TOKEN or .data/operator-token)
  --live <id>          an existing LIVE live (default: create and start one)
  --viewers <n>        viewers arriving in total (default 200)
  --ramp <seconds>     arrivals spread over this many seconds (default 10)
  --duration <seconds> length of the simulation (default 30)
  --leave-rate <0..1>  share of viewers that leave before the end (default 0.2)
  --crash-rate <0..1>  share of viewers that vanish without leaving (default 0.1)
  --ttl <ms>           the server's VIEWER_TTL_MS (default 30000): heartbeats every third of it
  --auth <how>         how viewers identify: open (bare ids, VIEWER_AUTH=open), token (tokens signed
                       with the viewer secret) or guest (no identity; budgeted per address by
                       GUEST_MINTS_PER_MINUTE). Default: token when a viewer secret is found, else open
  --viewer-secret <s>  the server's VIEWER_TOKEN_SECRET (default $VIEWER_TOKEN_SECRET or
                       .data/viewer-token-secret, which the dev server generates)
  --help`;

function option(value: string | undefined, name: string, fallback: number, max = Number.POSITIVE_INFINITY): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > max) {
    process.stderr.write(`--${name} must be a number from 0 to ${max} (got ${JSON.stringify(value)})\n`);
    process.exit(2);
  }
  return parsed;
}

function saved(name: string): string | undefined {
  // `pnpm simulate` runs in packages/simulator; the dev server keeps its secrets in the root .data.
  for (const dir of [process.env.DATA_DIR, '.data', join('..', '..', '.data')]) {
    if (!dir) continue;
    try {
      return readFileSync(join(dir, name), 'utf8').trim();
    } catch {}
  }
  return undefined;
}

function identityFrom(auth: string | undefined, secret: string | undefined): SimulatedIdentity {
  const kind = auth ?? (secret ? 'token' : 'open');
  if (kind === 'open' || kind === 'guest') return { kind };
  if (kind !== 'token') {
    process.stderr.write(`--auth must be open, token or guest (got ${JSON.stringify(auth)})\n`);
    process.exit(2);
  }
  if (!secret) {
    process.stderr.write('--auth token needs the viewer secret: pass --viewer-secret or set VIEWER_TOKEN_SECRET\n');
    process.exit(2);
  }
  return { kind, secret };
}

async function main() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      live: { type: 'string' },
      viewers: { type: 'string' },
      ramp: { type: 'string' },
      duration: { type: 'string' },
      'leave-rate': { type: 'string' },
      'crash-rate': { type: 'string' },
      ttl: { type: 'string' },
      auth: { type: 'string' },
      'viewer-secret': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  // The same settings as the rest of OnAir: API_URL is the API's origin (as for the dashboard), PORT its port.
  const origin = process.env.API_URL?.replace(/\/+$/, '') || `http://localhost:${process.env.PORT || 4000}`;
  const url = values.url ?? `${origin}/trpc`;
  const token = values.token ?? process.env.OPERATOR_TOKEN ?? saved('operator-token');
  const leaveRate = option(values['leave-rate'], 'leave-rate', 0.2, 1);
  const crashRate = option(values['crash-rate'], 'crash-rate', 0.1, 1);
  if (leaveRate + crashRate > 1) {
    process.stderr.write('--leave-rate plus --crash-rate must not exceed 1\n');
    process.exit(2);
  }
  const ttlMs = option(values.ttl, 'ttl', 30_000);
  const client = createOnAirClient({ url, token });

  let liveId = values.live;
  // A live this run created is this run's to end: a simulation must not leave a phantom on air.
  let createdLive: string | undefined;
  if (!liveId) {
    if (!token) {
      process.stderr.write(
        'Creating a live needs the operator token: pass --token, set OPERATOR_TOKEN, or pass --live <id>\n',
      );
      process.exit(2);
    }
    const live = await client.live.create.mutate({ title: `Simulation ${new Date().toLocaleTimeString()}` });
    await client.live.start.mutate({ id: live.id });
    liveId = live.id;
    createdLive = live.id;
    process.stdout.write(`Created and started live ${liveId} ("${live.title}")\n`);
  }
  const endCreatedLive = async () => {
    if (!createdLive) return;
    const id = createdLive;
    createdLive = undefined;
    await client.live.end.mutate({ id }).then(
      () => process.stdout.write(`Ended live ${id}, which this simulation started\n`),
      (error: unknown) =>
        process.stderr.write(`Could not end live ${id}: ${error instanceof Error ? error.message : String(error)}\n`),
    );
  };

  const identity = identityFrom(
    values.auth,
    values['viewer-secret'] ?? process.env.VIEWER_TOKEN_SECRET ?? saved('viewer-token-secret'),
  );
  const viewers = simulatedViewerCalls(client, identity);
  process.stdout.write(`Viewers identify as: ${identity.kind}\n`);
  const simulation = new ViewerSimulation({
    viewers,
    liveId,
    audience: option(values.viewers, 'viewers', 200, 100_000),
    rampSeconds: option(values.ramp, 'ramp', 10),
    durationSeconds: option(values.duration, 'duration', 30),
    leaveRate,
    crashRate,
    ttlMs,
  });
  const report = async () => {
    const progress = simulation.progress();
    const stats = await client.viewer.stats.query({ liveId }).catch(() => undefined);
    const line =
      `${progress.elapsedSeconds.toFixed(0).padStart(4)} s  arrived ${progress.arrived}  watching ${progress.watching}` +
      `  left ${progress.left}  vanished ${progress.vanished}  |  server: current ${stats?.current ?? '?'}` +
      ` peak ${stats?.peak ?? '?'} unique ${stats?.unique ?? '?'}${progress.errors ? `  errors ${progress.errors}` : ''}`;
    process.stdout.write(process.stdout.isTTY ? `\r${line.padEnd(110)}` : `${line}\n`);
    return stats;
  };

  // Ctrl-C (or a SIGTERM) stops the viewers and ends the live this run started before exiting.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stdout.write(`\n${signal}: stopping the simulated viewers\n`);
      void simulation
        .stop()
        .then(endCreatedLive)
        .finally(() => process.exit(130));
    });
  }

  simulation.start();
  const progressTimer = setInterval(() => void report(), 1_000);
  await simulation.planned();

  // Vanished viewers are only removed once the TTL has passed (plus one sweep): keep heartbeating the others until then.
  process.stdout.write(
    `\nAll arrivals and departures done; waiting up to ${Math.ceil((ttlMs * 1.5) / 1_000)} s for expiries...\n`,
  );
  const expected = simulation.progress().watching;
  const deadline = Date.now() + ttlMs * 1.5;
  let reported = (await client.viewer.stats.query({ liveId })).current;
  while (reported !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    reported = (await client.viewer.stats.query({ liveId })).current;
  }
  clearInterval(progressTimer);
  await simulation.stop();
  await endCreatedLive();
  const final = simulation.progress();
  process.stdout.write(
    `\nExpected ${expected} viewers, server reports ${reported}: ${reported === expected ? 'MATCH' : 'MISMATCH'}` +
      `  (${final.arrived} arrived, ${final.left} left, ${final.vanished} vanished, ${final.errors} errors${final.lastError ? `, last: ${final.lastError}` : ''})\n`,
  );
  process.exitCode = reported === expected ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`Simulation failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
