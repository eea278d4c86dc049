import { z } from 'zod';
import { defineEvent } from '../infra/events';

/** Events the live domain emits; other domains react to them without calling into this one. */
export const liveStarted = defineEvent(
  'live.started',
  z.object({ liveId: z.uuid(), title: z.string(), startedAt: z.iso.datetime() }),
);

export const liveEnded = defineEvent(
  'live.ended',
  z.object({
    liveId: z.uuid(),
    title: z.string(),
    startedAt: z.iso.datetime(),
    endedAt: z.iso.datetime(),
    /** Absent in events written before recordings were known. */
    recordingUrl: z.string().nullish(),
  }),
);
