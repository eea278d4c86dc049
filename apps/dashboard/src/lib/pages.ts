/**
 * Keyset pages as the API returns them (newest first), and how one changed item is put back where it
 * belongs among the pages already loaded.
 */

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Listed {
  id: string;
  createdAt: string;
}

/** Newest first, as the API lists; ids break ties so the order never flickers. */
export function newestFirst(a: Listed, b: Listed): number {
  return b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);
}

/**
 * The pages with `item` put where it belongs: removed from wherever it was, then (if it belongs to
 * this list) inserted in order into the first page that reaches back to it. A page reaches back to
 * its last item as loaded, the item itself included: a change of a page's last item keeps it there.
 * An item older than everything loaded, with more pages to load, arrives with its own page instead.
 */
export function placeInPages<T extends Listed>(pages: readonly Page<T>[], item: T, belongs: boolean): Page<T>[] {
  const without = pages.map((page) => ({ ...page, items: page.items.filter((held) => held.id !== item.id) }));
  if (!belongs) return without;
  for (const [index, page] of without.entries()) {
    const reachesBackTo = pages[index]?.items.at(-1);
    const isLastPage = index === without.length - 1;
    if ((reachesBackTo && newestFirst(item, reachesBackTo) <= 0) || (isLastPage && page.nextCursor === null)) {
      page.items = [...page.items, item].sort(newestFirst);
      break;
    }
  }
  return without;
}
