import { LivesBoard } from '@/components/lives/lives-board';
import { fetchLivesSnapshot } from '@/lib/lives';
import { loadOperatorPage } from '@/lib/operator-page';
import { fetchShortVideos } from '@/lib/short-videos';

export default async function LivesPage() {
  const { lives, videos } = await loadOperatorPage(async (api) => {
    const [lives, videos] = await Promise.all([fetchLivesSnapshot(api), fetchShortVideos(api)]);
    return { lives, videos };
  });
  return <LivesBoard initialLives={lives} initialVideos={videos} />;
}
