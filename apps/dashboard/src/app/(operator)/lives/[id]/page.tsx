import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { LiveDetail } from '@/components/live/live-detail';
import { isClientMistake } from '@/lib/errors';
import { loadOperatorPage } from '@/lib/operator-page';
import { fromTimeline } from '@/lib/viewer-history';

export const metadata: Metadata = { title: 'Live' };

export default async function LivePage({ params }: PageProps<'/lives/[id]'>) {
  const { id } = await params;
  const loaded = await loadOperatorPage(async (api) => {
    try {
      const [live, timeline, videos, demo] = await Promise.all([
        api.live.get.query({ id }),
        api.viewer.timeline.query({ liveId: id }),
        api.shortVideo.list.query({ liveId: id, limit: 1 }),
        api.demo.audiences.query(),
      ]);
      return { live, history: fromTimeline(timeline), videos: videos.items, demo };
    } catch (error) {
      // No such live, or an id that could not be one.
      if (isClientMistake(error, [400, 404])) return null;
      throw error;
    }
  });
  if (!loaded) notFound();
  return (
    <LiveDetail
      initialLive={loaded.live}
      initialHistory={loaded.history}
      initialVideos={loaded.videos}
      demo={loaded.demo}
    />
  );
}
