import Link from 'next/link';
import { signOut } from '@/lib/session-actions';
import styles from './app-header.module.css';
import { NavLinks } from './nav-links';

export function AppHeader() {
  return (
    <header className={styles.header}>
      <Link href="/" className={styles.brand}>
        <span className={styles.dot} aria-hidden="true" />
        OnAir
      </Link>
      <NavLinks />
      <form action={signOut} className={styles.signOut}>
        <button className="button" data-variant="secondary" type="submit">
          Sign out
        </button>
      </form>
    </header>
  );
}
