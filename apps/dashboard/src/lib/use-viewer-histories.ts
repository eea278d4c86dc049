import { useEffect, useEffectEvent, useRef, useState } from 'react';
import { browserApi } from './browser-api';
import type { LiveSession } from './lives';
import { type CountPoint, fromTimeline, mergeCounts, withCount } from './viewer-history';

/**
 * The audience curve of each live shown: its timeline fetched once (all lives in one batched
 * request), then every count `live.onUpdate` brings added as it arrives.
 */
export function useViewerHistories(lives: readonly LiveSession[], onError: (error: unknown) => void) {
  const [histories, setHistories] = useState<ReadonlyMap<string, CountPoint[]>>(new Map());
  const requested = useRef(new Set<string>());
  const reportError = useEffectEvent(onError);

  useEffect(() => {
    const api = browserApi();
    const wanted = lives.filter((live) => live.status !== 'SCHEDULED' && !requested.current.has(live.id));
    for (const live of wanted) {
      requested.current.add(live.id);
      api.viewer.timeline.query({ liveId: live.id }).then((timeline) => {
        setHistories((held) =>
          new Map(held).set(live.id, mergeCounts(fromTimeline(timeline), held.get(live.id) ?? [])),
        );
      }, reportError);
    }
  }, [lives]);

  useEffect(() => {
    setHistories((held) => {
      let changed = false;
      const next = new Map(held);
      for (const live of lives) {
        if (live.status === 'SCHEDULED') continue;
        const before = next.get(live.id) ?? [];
        const after = withCount(before, Date.parse(live.stats.updatedAt), live.stats.current);
        if (after !== before) {
          next.set(live.id, after);
          changed = true;
        }
      }
      return changed ? next : held;
    });
  }, [lives]);

  return histories;
}
