import type { OnAirClient, RouterOutputs } from '@onair/client';

export type ShortVideo = RouterOutputs['shortVideo']['get'];
export type ShortVideoStatus = ShortVideo['status'];

export const SHORT_VIDEO_STATUSES: readonly ShortVideoStatus[] = ['PENDING', 'PROCESSING', 'READY', 'FAILED'];

/** How many videos one request fetches. */
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

/** Newest first; ids break ties so the order never flickers. */
function newestFirst(a: ShortVideo, b: ShortVideo): number {
  return b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);
}

/**
 * Puts each video in place of its previous version, unless the one held is newer: the list fetched
 * after a reconnect may predate an event already received.
 */
export function mergeVideos(videos: readonly ShortVideo[], updates: readonly ShortVideo[]): ShortVideo[] {
  const byId = new Map(videos.map((video) => [video.id, video]));
  for (const update of updates) {
    const held = byId.get(update.id);
    if (!held || held.updatedAt <= update.updatedAt) byId.set(update.id, update);
  }
  return [...byId.values()].sort(newestFirst);
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
 * The videos a page starts from: the newest, and every unfinished or failed one (those an operator
 * must see however old), in one batched request; or those of one live.
 */
export async function fetchShortVideos(api: OnAirClient, liveId?: string): Promise<ShortVideo[]> {
  if (liveId) return (await api.shortVideo.list.query({ liveId, limit: SHORT_VIDEOS_PAGE_SIZE })).items;
  const pages = await Promise.all([
    api.shortVideo.list.query({ limit: SHORT_VIDEOS_PAGE_SIZE }),
    api.shortVideo.list.query({ status: 'PENDING', limit: SHORT_VIDEOS_PAGE_SIZE }),
    api.shortVideo.list.query({ status: 'PROCESSING', limit: SHORT_VIDEOS_PAGE_SIZE }),
    api.shortVideo.list.query({ status: 'FAILED', limit: SHORT_VIDEOS_PAGE_SIZE }),
  ]);
  return mergeVideos(
    [],
    pages.flatMap((page) => page.items),
  );
}
