import styles from './page-loading.module.css';

/** What a page shows while the server gathers its first data. */
export function PageLoading({ what }: { what: string }) {
  return (
    <main className="page-layout">
      <p className={styles.message} role="status">
        <span className={styles.spinner} aria-hidden="true" />
        Loading {what}…
      </p>
      <div className={styles.skeleton} aria-hidden="true">
        <span />
        <span />
        <span />
      </div>
    </main>
  );
}
