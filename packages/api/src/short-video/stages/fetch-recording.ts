import type { ShortVideoRow } from '../tables';
import { InvalidInputError, type Stage } from './stage';

/** Where lives are recorded (a CDN path per live); clips address a window of it with a media fragment. */
const recordingsBaseUrl = 'https://media.onair.example/recordings';

export interface Recording {
  url: string;
  durationSec: number;
}

/** The recording of the video's live: its whole broadcast, from `startedAt` to `endedAt`. */
export function recordingOf(video: Pick<ShortVideoRow, 'liveId' | 'liveStartedAt' | 'liveEndedAt'>): Recording {
  return {
    url: `${recordingsBaseUrl}/${video.liveId}.mp4`,
    durationSec: (video.liveEndedAt.getTime() - video.liveStartedAt.getTime()) / 1000,
  };
}

/** Checks that there is a recording to cut (the fetch itself is simulated by the worker's stage time). */
export const fetchRecording: Stage = {
  name: 'fetch-recording',
  async run({ video }) {
    const { durationSec } = recordingOf(video);
    if (!(durationSec > 0)) {
      throw new InvalidInputError(
        `live ${video.liveId} has no recording to cut: it ended ${video.liveEndedAt.toISOString()}, not after it started ${video.liveStartedAt.toISOString()}`,
      );
    }
    return {};
  },
};
