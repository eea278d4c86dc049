import { renderThumbnail } from '../thumbnail';
import type { Stage } from './stage';

export const thumbnail: Stage = {
  name: 'thumbnail',
  async run({ video, timeline, thumbnails }) {
    const peakViewers = Math.max(0, ...(await timeline()).map((point) => point.count));
    const svg = renderThumbnail({ title: video.liveTitle, peakViewers, highlight: video.highlight });
    return { thumbnailUrl: await thumbnails.write(video.id, svg) };
  },
};
