import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/** What the pipeline publishes: a short video's clip and its poster. */
export type MediaKind = 'clip' | 'thumbnail';

const kinds: Record<MediaKind, { directory: string; extension: string; contentType: string }> = {
  clip: { directory: 'clips', extension: 'mp4', contentType: 'video/mp4' },
  thumbnail: { directory: 'thumbnails', extension: 'jpg', contentType: 'image/jpeg' },
};

export interface StoredMedia {
  size: number;
  modifiedAt: Date;
  contentType: string;
}

/**
 * Where published media live. Producers write a staged local file and publish it whole under the
 * short video's id, so readers only ever see complete files; the API reads them back, by byte range
 * for players. Local files now: an object store can implement the same interface.
 */
export interface MediaStore {
  /** The path of the media on the API's origin (what `videoUrl` and `thumbnailUrl` hold). */
  urlPath(kind: MediaKind, shortVideoId: string): string;
  /** A fresh local path to write into before publishing; it is no media until published. */
  stagingPath(kind: MediaKind, shortVideoId: string): Promise<string>;
  /** Makes the staged file the media of the video, atomically; returns its URL path. */
  publish(kind: MediaKind, shortVideoId: string, stagedPath: string): Promise<string>;
  /** Removes staged files of this video left by a run that died before publishing them. */
  discardStaged(kind: MediaKind, shortVideoId: string): Promise<void>;
  stat(kind: MediaKind, shortVideoId: string): Promise<StoredMedia | undefined>;
  /** The bytes from `start` to `end` inclusive (the whole file by default). */
  read(kind: MediaKind, shortVideoId: string, range?: { start: number; end: number }): Readable;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const mediaContentType = (kind: MediaKind) => kinds[kind].contentType;

/**
 * Media as files under `<DATA_DIR>/media/<clips|thumbnails>/<id>.<ext>`, staged in
 * `<DATA_DIR>/media/staging` (the same file system, so publishing is a rename). Workers write and
 * the API reads, so separate worker processes share DATA_DIR with the API (a shared volume).
 */
export class LocalMediaStore implements MediaStore {
  private readonly root: string;
  private readonly staging: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'media');
    this.staging = join(this.root, 'staging');
  }

  urlPath(kind: MediaKind, shortVideoId: string): string {
    return `/media/${kinds[kind].directory}/${checkedId(shortVideoId)}.${kinds[kind].extension}`;
  }

  async stagingPath(kind: MediaKind, shortVideoId: string): Promise<string> {
    await mkdir(this.staging, { recursive: true });
    const unique = `${process.pid}.${Math.random().toString(36).slice(2)}`;
    return join(this.staging, `${checkedId(shortVideoId)}.${kind}.${unique}.${kinds[kind].extension}`);
  }

  async publish(kind: MediaKind, shortVideoId: string, stagedPath: string): Promise<string> {
    const file = this.file(kind, shortVideoId);
    await mkdir(join(this.root, kinds[kind].directory), { recursive: true });
    await rename(stagedPath, file);
    return this.urlPath(kind, shortVideoId);
  }

  async discardStaged(kind: MediaKind, shortVideoId: string): Promise<void> {
    const prefix = `${checkedId(shortVideoId)}.${kind}.`;
    const names = await readdir(this.staging).catch(() => [] as string[]);
    await Promise.all(
      names.filter((name) => name.startsWith(prefix)).map((name) => rm(join(this.staging, name), { force: true })),
    );
  }

  async stat(kind: MediaKind, shortVideoId: string): Promise<StoredMedia | undefined> {
    if (!uuidPattern.test(shortVideoId)) return undefined;
    try {
      const info = await stat(this.file(kind, shortVideoId));
      return { size: info.size, modifiedAt: info.mtime, contentType: kinds[kind].contentType };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  read(kind: MediaKind, shortVideoId: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.file(kind, shortVideoId), range);
  }

  private file(kind: MediaKind, shortVideoId: string): string {
    return join(this.root, kinds[kind].directory, `${checkedId(shortVideoId)}.${kinds[kind].extension}`);
  }
}

function checkedId(shortVideoId: string): string {
  if (!uuidPattern.test(shortVideoId)) throw new Error(`not a short video id: ${shortVideoId}`);
  return shortVideoId.toLowerCase();
}
