import type { ComponentProps } from 'react';
import styles from './figures.module.css';

const numberFormat = new Intl.NumberFormat('en-US');

interface FiguresProps extends ComponentProps<'dl'> {
  /** Each count with what it counts, in the order shown. */
  figures: readonly (readonly [label: string, value: number])[];
  /** Small capitals over each figure in bold, as in a row of a list; otherwise the caller styles them. */
  compact?: boolean;
  /** The feed is not connected: the figures may be behind, and are dimmed. */
  stale?: boolean;
}

/** Named counts as a description list, each in the dashboard's number format. */
export function Figures({ figures, compact = false, stale = false, className, ...list }: FiguresProps) {
  const classes = [compact ? styles.compact : undefined, className].filter(Boolean).join(' ');
  return (
    <dl className={classes || undefined} data-stale={stale || undefined} {...list}>
      {figures.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{numberFormat.format(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
