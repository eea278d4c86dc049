import { z } from 'zod';

/**
 * Every id of OnAir is a UUID in one canonical spelling, lower case: PostgreSQL compares UUIDs
 * without regard to case but Redis keys do not, so an id is normalised before any use.
 */
export const idSchema = z.uuid({ error: 'must be a UUID' }).transform((id) => id.toLowerCase());

/** A live's id, as every domain refers to it. */
export const liveIdSchema = idSchema;

/** Text PostgreSQL can store: no NUL character (its text type refuses it). */
export const storableText = () =>
  z.string().refine((text) => !text.includes('\u0000'), { error: 'must not contain a NUL character' });

/** The instants OnAir stores and pages by: PostgreSQL's timestamps refuse year 0 and the far past. */
export const earliestInstant = Date.parse('1970-01-01T00:00:00Z');
export const latestInstant = Date.parse('9999-12-31T23:59:59.999Z');

export const storableInstant = (error: string) =>
  z.iso.datetime({ offset: true, error }).refine(
    (text) => {
      const at = Date.parse(text);
      return at >= earliestInstant && at <= latestInstant;
    },
    { error: 'must be between 1970 and 9999' },
  );
