'use client';

import { browserApi } from '@/lib/browser-api';
import type { QueueCounts } from '@/lib/queues';
import { usePolling } from '@/lib/use-polling';
import styles from './queues-panel.module.css';

const COLUMNS = [
  ['waiting', 'Waiting'],
  ['active', 'Active'],
  ['completed', 'Completed'],
  ['failed', 'Failed'],
  ['delayed', 'Delayed'],
] as const;

const numberFormat = new Intl.NumberFormat('en-US');

/** The job queues behind the pipeline, read every two seconds, with the way into Bull Board. */
export function QueuesPanel({ initial, onError }: { initial: QueueCounts; onError: (error: unknown) => void }) {
  const [queues] = usePolling(initial, () => browserApi().queues.counts.query(), { intervalMs: 2_000, onError });
  return (
    <section className={styles.panel} aria-labelledby="queues-heading">
      <div className={styles.top}>
        <h2 id="queues-heading" className={styles.heading}>
          Queues
        </h2>
        {/* Bull Board is not a page of this app: a full navigation, through the proxy that signs its requests. */}
        <a className="button" data-variant="secondary" href="/admin/queues">
          Open Bull Board
        </a>
      </div>
      <div className={styles.scroll}>
        <table className={styles.table}>
          <caption className="visually-hidden">Jobs in each queue, by state</caption>
          <thead>
            <tr>
              <th scope="col">Queue</th>
              {COLUMNS.map(([key, label]) => (
                <th key={key} scope="col">
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {queues.map((queue) => (
              <tr key={queue.name}>
                <th scope="row">{queue.name}</th>
                {COLUMNS.map(([key]) => (
                  <td key={key} data-state={key} data-nonzero={queue[key] > 0 || undefined}>
                    {numberFormat.format(queue[key])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
