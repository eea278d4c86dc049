import { InvalidInputError, type Stage } from './stage';

/**
 * Gets the live's recording (from its recordingUrl, through the RECORDING_HOSTS checks, or made by
 * ffmpeg when SYNTHETIC_RECORDINGS is on) into the worker's working space, and probes it: what is not
 * a video is refused here, before anything is cut.
 */
export const fetchRecording: Stage = {
  name: 'fetch-recording',
  async run({ video, media, audience, signal }) {
    const liveSec = (video.liveEndedAt.getTime() - video.liveStartedAt.getTime()) / 1000;
    if (!(liveSec > 0)) {
      throw new InvalidInputError(
        `live ${video.liveId} has no recording to cut: it ended ${video.liveEndedAt.toISOString()}, not after it started ${video.liveStartedAt.toISOString()}`,
      );
    }
    return { recording: await media.prepareRecording(video, audience, signal) };
  },
};
