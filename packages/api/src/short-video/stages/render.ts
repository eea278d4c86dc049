import type { HighlightWindow } from '../tables';
import { recordingOf } from './fetch-recording';
import type { Stage } from './stage';

/**
 * The clip is addressed as a window of the live's recording with a media fragment (`#t=start,end`),
 * as instant clips are: players seek to it, and a later transcode can materialise it at this URL's
 * place without changing the contract.
 */
export function clipUrl(recordingUrl: string, highlight: HighlightWindow): string {
  return `${recordingUrl}#t=${highlight.startSec},${highlight.endSec}`;
}

export const render: Stage = {
  name: 'render',
  async run({ video }) {
    const { highlight } = video;
    if (!highlight) throw new Error('render ran before detect-highlight recorded a highlight');
    return {
      videoUrl: clipUrl(recordingOf(video).url, highlight),
      durationSec: Math.round((highlight.endSec - highlight.startSec) * 1000) / 1000,
    };
  },
};
