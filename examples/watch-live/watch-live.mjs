// Joins a live as a viewer and prints its audience as it moves, until the live ends (or Ctrl-C,
// which leaves first). Plain Node 20, nothing but @onair/client.
//
//   API_URL=http://localhost:4000 LIVE_ID=<id> node watch-live.mjs
import { createOnAirClient } from '@onair/client';

const url = `${process.env.API_URL ?? 'http://localhost:4000'}/trpc`;
const liveId = process.env.LIVE_ID ?? process.argv[2];
if (!liveId) {
  console.error(
    "Usage: LIVE_ID=<id of a LIVE live> node watch-live.mjs   (API_URL, the API's origin, defaults to http://localhost:4000)",
  );
  process.exit(2);
}
const viewerId = process.env.VIEWER_ID ?? `watch-live-${process.pid}`;
const onair = createOnAirClient({ url });

const live = await onair.live.get.query({ id: liveId });
console.log(`"${live.title}" is ${live.status}`);
const { stats } = await onair.viewer.join.mutate({ liveId, viewerId });
console.log(`joined as ${viewerId}: ${stats.current} watching`);

// A viewer without a heartbeat for VIEWER_TTL_MS (30 s by default) is counted out: beat well within it.
const heartbeat = setInterval(() => {
  onair.viewer.heartbeat.mutate({ liveId, viewerId }).catch((error) => console.error(`heartbeat: ${error.message}`));
}, 10_000);

const subscription = onair.live.onUpdate.subscribe(
  { id: liveId },
  {
    onData: ({ data }) => {
      const { current, peak, unique } = data.stats;
      console.log(`${data.status}: ${current} watching, peak ${peak}, ${unique} unique`);
      if (data.status === 'ENDED') stop(0);
    },
    onError: (error) => {
      console.error(`subscription: ${error.message}`);
      stop(1);
    },
  },
);

async function stop(code) {
  clearInterval(heartbeat);
  subscription.unsubscribe();
  await onair.viewer.leave.mutate({ liveId, viewerId }).catch(() => {});
  process.exit(code);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
