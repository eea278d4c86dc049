import { HydrationBoundary } from '@tanstack/react-query';
import { LivesBoard } from '@/components/lives/lives-board';
import { livesListInput, ON_AIR_INPUT } from '@/lib/lives';
import { loadOperatorPage } from '@/lib/operator-page';
import { OVERVIEW_VIDEO_LISTS } from '@/lib/short-videos';

export default async function LivesPage() {
  const state = await loadOperatorPage((trpc) =>
    Promise.all([
      trpc.live.list.prefetchInfinite(livesListInput(undefined, '')),
      trpc.live.list.prefetch(ON_AIR_INPUT),
      ...OVERVIEW_VIDEO_LISTS.map((input) => trpc.shortVideo.list.prefetch(input)),
    ]),
  );
  return (
    <HydrationBoundary state={state}>
      <LivesBoard />
    </HydrationBoundary>
  );
}
