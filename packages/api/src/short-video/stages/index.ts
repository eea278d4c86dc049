import { detectHighlight } from './detect-highlight';
import { fetchRecording } from './fetch-recording';
import { render } from './render';
import type { Stage } from './stage';
import { thumbnail } from './thumbnail';

/** The pipeline, in order (the same order as `shortVideoStageNames`). */
export const shortVideoStages: readonly Stage[] = [fetchRecording, detectHighlight, render, thumbnail];
