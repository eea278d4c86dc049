/** A length of time as an operator reads it: "45 s", "12 min", "1 h 05 min", "3 days". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} days`;
}

/** A moment relative to now: "just now", "12 min ago", "in 5 min". */
export function formatRelative(at: number, now: number): string {
  const distance = now - at;
  if (Math.abs(distance) < 10_000) return 'just now';
  return distance > 0 ? `${formatDuration(distance)} ago` : `in ${formatDuration(-distance)}`;
}
