import type { Stage } from './stage';

/** Cuts the highlight into a 9:16 H.264/AAC MP4, published at `/media/clips/<id>.mp4`. */
export const render: Stage = {
  name: 'render',
  async run({ video, media, audience, progress, signal }) {
    const { highlight } = video;
    if (!highlight) throw new Error('render ran before detect-highlight recorded a highlight');
    return media.render(video, audience, highlight, progress, signal);
  },
};
