import { desc, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { InvalidFieldError } from '../errors';
import { idSchema, storableInstant } from '../ids';

/**
 * Newest-first keyset pagination on (createdAt, id), the one way every list of OnAir pages: pages
 * never skip or repeat a row, however rows are added meanwhile.
 */

/** Opaque keyset cursor: the sort key of the last item of the previous page. */
const cursorSchema = z.tuple([storableInstant('must be a date-time'), idSchema]);

export interface PageCursor {
  createdAt: Date;
  id: string;
}

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
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

/** What a store needs to read one page: how many rows, and after which one. */
export interface PageQuery {
  limit: number;
  after?: PageCursor;
}

/** The ORDER BY and the WHERE clause (rows after the cursor, if any) of a newest-first page of a table. */
export function newestFirst(
  columns: { createdAt: AnyPgColumn; id: AnyPgColumn },
  after: PageCursor | undefined,
): { orderBy: SQL[]; after: SQL | undefined } {
  return {
    orderBy: [desc(columns.createdAt), desc(columns.id)],
    after: after && sql`(${columns.createdAt}, ${columns.id}) < (${after.createdAt.toISOString()}, ${after.id})`,
  };
}

/**
 * One page of a list from its input (`limit`, `cursor`): reads one row more than asked to know
 * whether another page follows, and turns the rows kept into the items the API returns.
 */
export async function readPage<Row extends PageCursor, Item>(
  input: { limit: number; cursor?: string | null | undefined },
  read: (query: PageQuery) => Promise<Row[]>,
  toItems: (rows: Row[]) => Item[] | Promise<Item[]>,
): Promise<Page<Item>> {
  const rows = await read({ limit: input.limit + 1, ...(input.cursor ? { after: decodeCursor(input.cursor) } : {}) });
  const kept = rows.slice(0, input.limit);
  const last = kept.at(-1);
  return {
    items: await toItems(kept),
    nextCursor: rows.length > input.limit && last ? encodeCursor(last) : null,
  };
}
