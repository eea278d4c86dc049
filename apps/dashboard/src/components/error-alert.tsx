import styles from './error-alert.module.css';

/** A failure told in words, which the operator can dismiss once read. */
export function ErrorAlert({ message, onDismiss }: { message: string | null; onDismiss: () => void }) {
  if (!message) return null;
  return (
    <div className={`alert ${styles.alert}`} role="alert">
      <p>{message}</p>
      <button className="button" data-variant="secondary" type="button" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
