import { z } from 'zod';
import { defineChannel } from '../infra/realtime';
import { shortVideoSchema } from './schema';

/**
 * `short-video.updated`: every committed change to a short video, progress included, broadcast to
 * every server instance for `shortVideo.onUpdate`. It goes over pub/sub rather than the outbox:
 * it is a notification, not a fact to act on; the row (and its `version`) is the truth, and a
 * subscriber that missed a message catches up from the database when it resumes.
 */
export const shortVideoUpdated = defineChannel(
  'short-video.updated',
  z.object({ version: z.number().int(), video: shortVideoSchema }),
);
