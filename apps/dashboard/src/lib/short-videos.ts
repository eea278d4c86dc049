import type { RouterInputs, RouterOutputs } from '@onair/client';

export type ShortVideo = RouterOutputs['shortVideo']['list']['items'][number];
export type ShortVideoWithHistory = RouterOutputs['shortVideo']['get'];
export type ShortVideoStep = ShortVideoWithHistory['history'][number];
export type ShortVideoListInput = RouterInputs['shortVideo']['list'];
export type ShortVideoStatus = ShortVideo['status'];

export const SHORT_VIDEO_STATUSES: readonly ShortVideoStatus[] = ['PENDING', 'PROCESSING', 'READY', 'FAILED'];

/** How many videos one request of the overview fetches. */
export const SHORT_VIDEOS_PAGE_SIZE = 100;

export const STATUS_LABELS: Record<ShortVideoStatus, string> = {
  PENDING: 'Pending',
  PROCESSING: 'Processing',
  READY: 'Ready',
  FAILED: 'Failed',
};

/** The pipeline's stage names, as an operator reads them. */
export function describeStage(stage: string | null): string {
  return stage ? stage.replaceAll('-', ' ') : '';
}

/** The poster as the browser reaches it: through the dashboard's own origin (see app/media). */
export function thumbnailSource(video: ShortVideo): string | null {
  return video.thumbnailUrl?.startsWith('/media/thumbnails/') ? video.thumbnailUrl : null;
}

/** The clip of a READY video as the browser reaches it, through the dashboard's own origin. */
export function clipSource(video: ShortVideo): string | null {
  return video.status === 'READY' && video.videoUrl?.startsWith('/media/clips/') ? video.videoUrl : null;
}

/**
 * The lists the overview reads videos from: the newest, and every unfinished or failed one (those an
 * operator must see however old).
 */
export const OVERVIEW_VIDEO_LISTS = [
  { limit: SHORT_VIDEOS_PAGE_SIZE },
  { status: 'PENDING', limit: SHORT_VIDEOS_PAGE_SIZE },
  { status: 'PROCESSING', limit: SHORT_VIDEOS_PAGE_SIZE },
  { status: 'FAILED', limit: SHORT_VIDEOS_PAGE_SIZE },
] as const satisfies readonly ShortVideoListInput[];

/** How many videos one page of the pipeline board shows. */
export const BOARD_PAGE_SIZE = 24;

export function boardListInput(status: ShortVideoStatus | undefined): ShortVideoListInput {
  return { limit: BOARD_PAGE_SIZE, ...(status ? { status } : {}) };
}
