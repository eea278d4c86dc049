import Link from 'next/link';
import styles from './error.module.css';

export default function NotFound() {
  return (
    <main className={styles.page}>
      <h1>Nothing here</h1>
      <p>This live or page does not exist, or it was removed.</p>
      <Link className="button" href="/">
        Back to the lives
      </Link>
    </main>
  );
}
