import { z } from 'zod';

/** A live's id, as every domain refers to it. */
export const liveIdSchema = z.uuid({ error: 'must be a UUID' });
