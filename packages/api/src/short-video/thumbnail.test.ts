import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderThumbnail, ThumbnailStore } from './thumbnail';

describe('thumbnail', () => {
  const directories: string[] = [];
  afterEach(() => {
    for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
  });

  it('names the live and its peak viewers, escaping the title', () => {
    const svg = renderThumbnail({
      title: 'Sneakers <b>&</b> "drops"',
      peakViewers: 12_345,
      highlight: { startSec: 95, endSec: 125 },
    });
    expect(svg).toContain('&lt;b&gt;&amp;&lt;/b&gt;');
    expect(svg).toContain('&quot;drops&quot;');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('12,345 peak viewers');
    expect(svg).toContain('1:35 – 2:05');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });

  it('stores thumbnails by short video id and refuses anything else as a name', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'onair-thumbnails-'));
    directories.push(directory);
    const store = new ThumbnailStore(directory);
    const id = '4b0e9a2e-1f7c-4c55-9d2e-9f4b1c3e2a10';
    expect(await store.write(id, '<svg/>')).toBe(`/media/thumbnails/${id}.svg`);
    expect((await store.read(id))?.toString()).toBe('<svg/>');
    expect(await store.read('../../etc/passwd')).toBeUndefined();
    expect(await store.read('9d2e9f4b-1c3e-4a10-8b0e-9a2e1f7c4c55')).toBeUndefined();
  });
});
