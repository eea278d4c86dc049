'use client';

import styles from './error.module.css';

/** Shown when a page could not be rendered, most often because the API did not answer. */
export default function ErrorPage({ retry }: { error: unknown; retry: () => void }) {
  return (
    <main className={styles.page}>
      <h1>The dashboard could not load</h1>
      <p>The OnAir API may be restarting or unreachable. Try again in a moment.</p>
      <button className="button" type="button" onClick={() => retry()}>
        Try again
      </button>
    </main>
  );
}
