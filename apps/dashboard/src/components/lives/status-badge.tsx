import type { LiveStatus } from '@/lib/lives';
import styles from './status-badge.module.css';

export function StatusBadge({ status }: { status: LiveStatus }) {
  return (
    <span className={styles.badge} data-status={status}>
      {status}
    </span>
  );
}
