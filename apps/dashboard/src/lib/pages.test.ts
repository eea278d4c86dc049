import { describe, expect, it } from 'vitest';
import { type Listed, type Page, placeInPages } from './pages';

interface Video extends Listed {
  status: string;
}

/** Videos 0..n-1, newest first: video i was created i minutes before noon. */
function videos(count: number): Video[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `v${String(index).padStart(2, '0')}`,
    createdAt: new Date(Date.UTC(2026, 11, 2, 12, -index)).toISOString(),
    status: 'PENDING',
  }));
}

const ids = (pages: Page<Video>[]) => pages.map((page) => page.items.map((item) => item.id));

describe('placeInPages', () => {
  const all = videos(6);
  const first: Page<Video> = { items: all.slice(0, 3), nextCursor: 'after-v02' };
  const second: Page<Video> = { items: all.slice(3, 5), nextCursor: 'after-v04' };

  it("keeps a changed page's last item on that page while more pages wait to be loaded", () => {
    const changed = { ...(all[2] as Video), status: 'READY' };
    const pages = placeInPages([first], changed, true);
    expect(ids(pages)).toEqual([['v00', 'v01', 'v02']]);
    expect(pages[0]?.items[2]).toBe(changed);
  });

  it('replaces a changed item in place, on any page', () => {
    const changed = { ...(all[4] as Video), status: 'READY' };
    const pages = placeInPages([first, second], changed, true);
    expect(ids(pages)).toEqual([
      ['v00', 'v01', 'v02'],
      ['v03', 'v04'],
    ]);
    expect(pages[1]?.items[1]).toBe(changed);
  });

  it('puts a new item newer than all at the top, and leaves one older than all loaded to its own page', () => {
    const newest = { id: 'v-new', createdAt: new Date(Date.UTC(2026, 11, 2, 13)).toISOString(), status: 'PENDING' };
    expect(ids(placeInPages([first], newest, true))).toEqual([['v-new', 'v00', 'v01', 'v02']]);
    expect(ids(placeInPages([first], all[5] as Video, true))).toEqual([['v00', 'v01', 'v02']]);
    const lastPage = { ...second, nextCursor: null };
    expect(ids(placeInPages([first, lastPage], all[5] as Video, true))).toEqual([
      ['v00', 'v01', 'v02'],
      ['v03', 'v04', 'v05'],
    ]);
  });

  it('removes an item that no longer belongs to the list', () => {
    expect(ids(placeInPages([first, second], all[2] as Video, false))).toEqual([
      ['v00', 'v01'],
      ['v03', 'v04'],
    ]);
  });

  it('keeps every item through any sequence of changes', () => {
    let pages: Page<Video>[] = [first, second];
    for (const index of [2, 4, 2, 0, 3, 4, 2, 1]) {
      pages = placeInPages(pages, { ...(all[index] as Video), status: `seen-${index}` }, true);
      expect(pages.flatMap((page) => page.items.map((item) => item.id))).toEqual(['v00', 'v01', 'v02', 'v03', 'v04']);
    }
  });
});
