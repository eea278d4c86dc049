/**
 * A markdown table with its columns padded, as Biome formats one (so a written report passes
 * `pnpm lint`): the first row is the header, every column left-aligned.
 */
export function markdownTable([header, ...rows]: string[][]): string[] {
  const all = header ? [header, ...rows] : rows;
  const widths = (header ?? []).map((_, column) => Math.max(3, ...all.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    `| ${widths.map((width, column) => (cells[column] ?? '').padEnd(width)).join(' | ')} |`;
  return [line(header ?? []), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}
