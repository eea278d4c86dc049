import { HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { PipelineBoard } from '@/components/videos/pipeline-board';
import { loadOperatorPage } from '@/lib/operator-page';
import { boardListInput, SHORT_VIDEO_STATUSES } from '@/lib/short-videos';

export const metadata: Metadata = { title: 'Short videos' };

export default async function VideosPage({ searchParams }: PageProps<'/videos'>) {
  const { status } = await searchParams;
  const filter = SHORT_VIDEO_STATUSES.find((known) => known === status);
  const state = await loadOperatorPage((trpc) =>
    Promise.all([trpc.shortVideo.list.prefetchInfinite(boardListInput(filter)), trpc.queues.counts.prefetch()]),
  );
  return (
    <HydrationBoundary state={state}>
      <PipelineBoard initialFilter={filter} />
    </HydrationBoundary>
  );
}
