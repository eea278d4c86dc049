import type { ShortVideo } from '@/lib/short-videos';
import { clipSource, thumbnailSource } from '@/lib/short-videos';
import styles from './short-video-card.module.css';

interface ShortVideoPlayerProps {
  video: ShortVideo;
  /** What the clip is of, for its accessible name. */
  name: string;
}

/**
 * A READY short video, playable where it is listed: the clip (9:16) with its poster, fetched by
 * byte ranges through the dashboard's own origin (see app/media), and a link to download it.
 */
export function ShortVideoPlayer({ video, name }: ShortVideoPlayerProps) {
  const clip = clipSource(video);
  const poster = thumbnailSource(video);
  if (!clip) return null;
  return (
    <div className={styles.player}>
      {/* biome-ignore lint/a11y/useMediaCaption: a highlight of a live has no captions to offer */}
      <video
        className={styles.clip}
        src={clip}
        poster={poster ?? undefined}
        controls
        playsInline
        preload="metadata"
        aria-label={`Highlight clip of ${name}`}
        width={720}
        height={1280}
      />
      <a className={styles.download} href={clip} download={`onair-highlight-${video.id}.mp4`}>
        Download<span className="visually-hidden"> the short video of {name}</span>
      </a>
    </div>
  );
}
