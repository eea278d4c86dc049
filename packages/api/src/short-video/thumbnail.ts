import { renameSync, writeFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HighlightWindow } from './tables';

export interface ThumbnailContent {
  title: string;
  peakViewers: number;
  highlight: HighlightWindow | null;
}

/**
 * A 9:16 poster for the short video naming its live and its peak audience. The title is the
 * operator's free text: it is escaped, as everything put into markup must be.
 */
export function renderThumbnail({ title, peakViewers, highlight }: ThumbnailContent): string {
  const lines = wrap(title, 18, 4)
    .map((line, index) => `<tspan x="60" dy="${index === 0 ? 0 : 84}">${escapeXml(line)}</tspan>`)
    .join('');
  const viewers = `${peakViewers.toLocaleString('en-US')} peak viewer${peakViewers === 1 ? '' : 's'}`;
  const clip = highlight ? `${clock(highlight.startSec)} – ${clock(highlight.endSec)}` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="720" height="1280" viewBox="0 0 720 1280" role="img" aria-label="${escapeXml(`${title}: ${viewers}`)}">
<defs><linearGradient id="bg" x1="0" y1="0" x2="0.4" y2="1"><stop offset="0" stop-color="#ff3d6e"/><stop offset="1" stop-color="#2b1055"/></linearGradient></defs>
<rect width="720" height="1280" fill="url(#bg)"/>
<text x="60" y="140" font-family="system-ui, sans-serif" font-size="40" font-weight="700" fill="#ffffff" opacity="0.85">ONAIR HIGHLIGHT</text>
<text x="60" y="520" font-family="system-ui, sans-serif" font-size="72" font-weight="800" fill="#ffffff">${lines}</text>
<text x="60" y="1080" font-family="system-ui, sans-serif" font-size="48" font-weight="700" fill="#ffffff">${escapeXml(viewers)}</text>
<text x="60" y="1150" font-family="ui-monospace, monospace" font-size="36" fill="#ffffff" opacity="0.8">${escapeXml(clip)}</text>
</svg>
`;
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => xmlEntities[character] ?? character);
}

const xmlEntities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Greedy word wrap; a last line that does not fit ends with an ellipsis. */
function wrap(text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.trim().split(/\s+/)) {
    const candidate = line ? `${line} ${word}` : word;
    if (candidate.length <= width || !line) line = candidate;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  const kept = lines.slice(0, maxLines).map((kept) => (kept.length > width ? `${kept.slice(0, width - 1)}…` : kept));
  if (lines.length > maxLines) kept[maxLines - 1] = `${(kept[maxLines - 1] ?? '').slice(0, width - 1)}…`;
  return kept;
}

function clock(seconds: number): string {
  const whole = Math.floor(seconds);
  const hours = Math.floor(whole / 3_600);
  const minutes = Math.floor((whole % 3_600) / 60);
  const rest = String(whole % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Generated thumbnails, as files under `<DATA_DIR>/thumbnails/<id>.svg`. Workers write them and the
 * API serves them, so separate worker processes must share DATA_DIR with the API (a shared volume).
 * URLs are paths on the API's origin (`/media/thumbnails/<id>.svg`): the API does not know the public
 * URL it is reached at, and the dashboard proxies that path like the rest of the API.
 */
export class ThumbnailStore {
  private readonly directory: string;
  private created: Promise<unknown> | undefined;

  constructor(dataDir: string) {
    this.directory = join(dataDir, 'thumbnails');
  }

  static urlPath(shortVideoId: string): string {
    return `/media/thumbnails/${shortVideoId}.svg`;
  }

  /**
   * Written to a temporary file and renamed, so a reader never sees half a thumbnail. Synchronously:
   * a file of a few kilobytes takes well under a millisecond of system time, while the asynchronous
   * calls hand each of open, write, close and rename to the thread pool and back, and those context
   * switches cost the worker more CPU than the writing (measured: 10 context switches per job down to 2).
   */
  async write(shortVideoId: string, svg: string): Promise<string> {
    const file = this.file(shortVideoId);
    this.created ??= mkdir(this.directory, { recursive: true });
    await this.created;
    const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(temporary, svg);
    renameSync(temporary, file);
    return ThumbnailStore.urlPath(shortVideoId);
  }

  /** The thumbnail, or undefined when there is none (or the id is not a short video id). */
  async read(shortVideoId: string): Promise<Buffer | undefined> {
    if (!uuidPattern.test(shortVideoId)) return undefined;
    try {
      return await readFile(this.file(shortVideoId));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private file(shortVideoId: string): string {
    if (!uuidPattern.test(shortVideoId)) throw new Error(`not a short video id: ${shortVideoId}`);
    return join(this.directory, `${shortVideoId.toLowerCase()}.svg`);
  }
}
