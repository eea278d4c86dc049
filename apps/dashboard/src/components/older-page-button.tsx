import styles from './older-page-button.module.css';

interface OlderPageButtonProps {
  /** The infinite query of the list, newest first. */
  list: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => Promise<unknown> };
  /** What the button says, e.g. "Show older lives". */
  label: string;
}

/** Under a list read a page at a time: the next, older page, for as long as there is one. */
export function OlderPageButton({ list, label }: OlderPageButtonProps) {
  if (!list.hasNextPage) return null;
  return (
    <button
      className={`button ${styles.older}`}
      data-variant="secondary"
      type="button"
      disabled={list.isFetchingNextPage}
      onClick={() => void list.fetchNextPage()}
    >
      {list.isFetchingNextPage ? 'Loading…' : label}
    </button>
  );
}
