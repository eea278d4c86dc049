import type { Metadata } from 'next';
import { PipelineBoard } from '@/components/videos/pipeline-board';
import { fetchLiveTitles } from '@/lib/lives';
import { loadOperatorPage } from '@/lib/operator-page';
import { fetchShortVideos, SHORT_VIDEO_STATUSES, type ShortVideoStatus } from '@/lib/short-videos';

export const metadata: Metadata = { title: 'Short videos' };

export default async function VideosPage({ searchParams }: PageProps<'/videos'>) {
  const { status } = await searchParams;
  const filter = SHORT_VIDEO_STATUSES.find((known) => known === status);
  const { videos, titles, queues } = await loadOperatorPage(async (api) => {
    const [videos, queues] = await Promise.all([fetchShortVideos(api), api.queues.counts.query()]);
    const titles = await fetchLiveTitles(
      api,
      videos.map((video) => video.liveId),
    );
    return { videos, titles, queues };
  });
  return (
    <PipelineBoard
      initialVideos={videos}
      initialTitles={titles}
      initialQueues={queues}
      initialFilter={filter satisfies ShortVideoStatus | undefined}
    />
  );
}
