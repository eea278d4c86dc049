import { HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { LiveDetail } from '@/components/live/live-detail';
import { isClientMistake } from '@/lib/errors';
import { liveDetailInputs } from '@/lib/lives';
import { loadOperatorPage } from '@/lib/operator-page';

export const metadata: Metadata = { title: 'Live' };

export default async function LivePage({ params }: PageProps<'/lives/[id]'>) {
  const { id } = await params;
  const inputs = liveDetailInputs(id);
  const state = await loadOperatorPage((trpc) =>
    Promise.all([
      trpc.live.get.prefetch(inputs.live),
      trpc.viewer.timeline.prefetch(inputs.timeline),
      trpc.shortVideo.list.prefetch(inputs.video),
      trpc.demo.audiences.prefetch(),
    ]),
  ).catch((error: unknown) => {
    // No such live, or an id that could not be one.
    if (isClientMistake(error, [400, 404])) notFound();
    throw error;
  });
  return (
    <HydrationBoundary state={state}>
      <LiveDetail liveId={id} />
    </HydrationBoundary>
  );
}
