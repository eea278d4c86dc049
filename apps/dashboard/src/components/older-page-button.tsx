import { useInBrowser } from '@/lib/use-in-browser';
import styles from './older-page-button.module.css';

interface OlderPageButtonProps {
  /** The infinite query of the list, newest first. */
  list: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => Promise<unknown> };
  /** What the button says, e.g. "Show older lives". */
  label: string;
}

/** Under a list read a page at a time: the next, older page, for as long as there is one. */
export function OlderPageButton({ list, label }: OlderPageButtonProps) {
  // Server-rendered, it does nothing until the page has hydrated: until then it says so by being disabled.
  const inBrowser = useInBrowser();
  if (!list.hasNextPage) return null;
  return (
    <button
      className={`button ${styles.older}`}
      data-variant="secondary"
      type="button"
      disabled={!inBrowser || list.isFetchingNextPage}
      onClick={() => void list.fetchNextPage()}
    >
      {list.isFetchingNextPage ? 'Loading…' : label}
    </button>
  );
}
