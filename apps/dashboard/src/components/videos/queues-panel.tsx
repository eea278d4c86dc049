'use client';

import { trpc } from '@/lib/trpc';
import styles from './queues-panel.module.css';

const COLUMNS = [
  ['waiting', 'Waiting'],
  ['active', 'Active'],
  ['completed', 'Completed'],
  ['failed', 'Failed'],
  ['delayed', 'Delayed'],
] as const;

const numberFormat = new Intl.NumberFormat('en-US');

/**
 * The job queues behind the pipeline, read every two seconds, with the way into Bull Board: a table
 * on a wide screen, one card per queue on a phone (a table of six columns would be cut off there).
 */
export function QueuesPanel() {
  const { data: queues = [] } = trpc.queues.counts.useQuery(undefined, { refetchInterval: 2_000 });
  return (
    <section className={`surface ${styles.panel}`} aria-labelledby="queues-heading">
      <div className="title-bar">
        <h2 id="queues-heading" className={styles.heading}>
          Queues
        </h2>
        {/* Bull Board is not a page of this app: a full navigation, through the proxy that signs its requests. */}
        <a className="button" data-variant="secondary" href="/admin/queues">
          Open Bull Board
        </a>
      </div>
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
      <ul className={styles.cards} aria-label="Jobs in each queue, by state">
        {queues.map((queue) => (
          <li key={queue.name} className={styles.card}>
            <h3 className={styles.cardHeading}>{queue.name}</h3>
            <dl className={styles.counts}>
              {COLUMNS.map(([key, label]) => (
                <div key={key} data-state={key} data-nonzero={queue[key] > 0 || undefined}>
                  <dt>{label}</dt>
                  <dd>{numberFormat.format(queue[key])}</dd>
                </div>
              ))}
            </dl>
          </li>
        ))}
      </ul>
    </section>
  );
}
