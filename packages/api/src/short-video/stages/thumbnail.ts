import { peakSecond } from './detect-highlight';
import type { Stage } from './stage';

/** The poster: a 9:16 JPEG of the frame at the audience's peak, published at `/media/thumbnails/<id>.jpg`. */
export const thumbnail: Stage = {
  name: 'thumbnail',
  async run({ video, media, audience, timeline, signal }) {
    const { highlight } = video;
    if (!highlight) throw new Error('thumbnail ran before detect-highlight recorded a highlight');
    const peak = peakSecond(await timeline(), video.liveStartedAt, highlight);
    // A frame inside the clip: the last instant of the window has no frame of its own.
    const atSec = Math.max(highlight.startSec, Math.min(peak, highlight.endSec - 0.1));
    return { thumbnailUrl: await media.poster(video, audience, atSec, signal) };
  },
};
