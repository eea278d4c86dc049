import { signOut } from '@/lib/session-actions';
import styles from './app-header.module.css';

export function AppHeader() {
  return (
    <header className={styles.header}>
      <p className={styles.brand}>
        <span className={styles.dot} aria-hidden="true" />
        OnAir
      </p>
      <form action={signOut}>
        <button className="button" data-variant="secondary" type="submit">
          Sign out
        </button>
      </form>
    </header>
  );
}
