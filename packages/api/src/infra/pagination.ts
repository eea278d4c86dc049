import { z } from 'zod';
import { InvalidFieldError } from '../errors';
import { idSchema, storableInstant } from '../ids';

/** Opaque keyset cursor: the sort key of the last item of the previous page. */
const cursorSchema = z.tuple([storableInstant('must be a date-time'), idSchema]);

export interface PageCursor {
  createdAt: Date;
  id: string;
}

export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString('base64url');
}

export function decodeCursor(cursor: string): PageCursor {
  try {
    const [createdAt, id] = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { createdAt: new Date(createdAt), id };
  } catch {
    throw new InvalidFieldError('cursor', 'is not a cursor this server issued');
  }
}
