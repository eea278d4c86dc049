import type { ShortVideoMedia } from '../media/media';
import type { AudienceStep } from '../media/synthetic';
import type { ViewerCountPoint } from '../ports';
import type { ShortVideoChanges } from '../store';
import type { ShortVideoRow } from '../tables';

/** The stages of making a short video, in order; `stage` and `completedStages` hold these names. */
export const shortVideoStageNames = ['fetch-recording', 'detect-highlight', 'render', 'thumbnail'] as const;
export type ShortVideoStageName = (typeof shortVideoStageNames)[number];

/** What a stage produces, persisted on the video in the same write that records the stage as done. */
export type StageOutputs = Pick<
  ShortVideoChanges,
  'recording' | 'highlight' | 'videoUrl' | 'durationSec' | 'thumbnailUrl'
>;

export interface StageContext {
  /** The video as the previous stage left it, outputs included (also when another worker ran that stage). */
  video: ShortVideoRow;
  /** The live's audience curve, read once per attempt. */
  timeline(): Promise<ViewerCountPoint[]>;
  /** The same curve as steps in seconds into the recording (what a synthetic recording shows). */
  audience(): Promise<AudienceStep[]>;
  media: ShortVideoMedia;
  /** How far the stage is (0..1), for stages long enough to show it. */
  progress(fraction: number): void;
  /** Aborted when the worker shuts down: the stage stops and the job goes back to the queue. */
  signal: AbortSignal | undefined;
}

export interface Stage {
  name: ShortVideoStageName;
  run(context: StageContext): Promise<StageOutputs>;
}

/** The input can never produce a video, however often it is retried. */
export class InvalidInputError extends Error {
  override name = 'InvalidInputError';
}
