import { useCallback, useEffect, useEffectEvent, useState } from 'react';
import { browserApi } from './browser-api';
import { type FeedState, followConnection } from './feed';
import { fetchShortVideos, mergeVideos, type ShortVideo } from './short-videos';

/**
 * Short videos kept current by `shortVideo.onUpdate` (every status change and progress step), for
 * the whole platform or one live; refetched and merged at each (re)start, as for lives.
 */
export function useShortVideos(
  initial: ShortVideo[],
  onError: (error: unknown) => void,
  options: {
    liveId?: string;
    /** Called with every change as it arrives, even those a batched render would skip over. */
    onChange?: (video: ShortVideo) => void;
  } = {},
) {
  const { liveId } = options;
  const [videos, setVideos] = useState<ShortVideo[]>(initial);
  const [feed, setFeed] = useState<FeedState>('connecting');

  const receive = useCallback((...updates: ShortVideo[]) => {
    setVideos((current) => mergeVideos(current, updates));
  }, []);
  const reportError = useEffectEvent(onError);
  const reportChange = useEffectEvent((video: ShortVideo) => options.onChange?.(video));

  useEffect(() => {
    const api = browserApi();
    const refetch = async () => {
      try {
        receive(...(await fetchShortVideos(api, liveId)));
      } catch (error) {
        reportError(error);
      }
    };
    const subscription = api.shortVideo.onUpdate.subscribe(liveId ? { liveId } : {}, {
      onStarted: () => void refetch(),
      onData: ({ data }) => {
        reportChange(data);
        receive(data);
      },
      ...followConnection(setFeed),
    });
    return () => subscription.unsubscribe();
  }, [receive, liveId]);

  return { videos, feed, receive };
}
