import type { RouterOutputs } from '@onair/client';

/**
 * A live's audience curve as CSV: one row per second in which the count changed, with the time in
 * ISO-8601 UTC, so a spreadsheet in any time zone reads it the same.
 */
export function audienceCsv(timeline: RouterOutputs['viewer']['timeline']): string {
  return ['time,viewers', ...timeline.points.map((point) => `${point.at},${point.count}`)].join('\n').concat('\n');
}

/** A file name that says which live it is: `audience-spring-sneakers-drop-1a2b3c4d.csv`. */
export function audienceFileName(title: string, liveId: string): string {
  const slug = title
    .toLocaleLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `audience-${slug ? `${slug}-` : ''}${liveId.slice(0, 8)}.csv`;
}

/** Hands the text to the browser as a download. */
export function download(fileName: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The download has its own copy once it has started.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
