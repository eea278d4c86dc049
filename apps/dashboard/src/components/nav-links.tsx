'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import styles from './app-header.module.css';

const SECTIONS = [
  { href: '/', label: 'Lives', matches: (path: string) => path === '/' || path.startsWith('/lives/') },
  { href: '/videos', label: 'Short videos', matches: (path: string) => path.startsWith('/videos') },
] as const;

/** The dashboard's sections; the current one is marked for screen readers as well as by its look. */
export function NavLinks() {
  const pathname = usePathname();
  return (
    <nav aria-label="Sections" className={styles.nav}>
      {SECTIONS.map((section) => (
        <Link
          key={section.href}
          href={section.href}
          className={styles.navLink}
          aria-current={section.matches(pathname) ? 'page' : undefined}
        >
          {section.label}
        </Link>
      ))}
    </nav>
  );
}
