/**
 * Line and bar charts as plain SVG, for the figures of docs/scaling.md. Hand-written (no plotting
 * library): axes with rounded ticks, labels, a title and a legend, and deterministic output (the
 * same data gives the same bytes), so a regenerated figure only changes in a diff when its data did.
 */

export interface Series {
  name: string;
  /** Line charts: numeric x. Bar charts: x is the index of the category. */
  points: { x: number; y: number }[];
}

export interface Chart {
  kind: 'line' | 'bar';
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Bar charts: the name of each group of bars, in order. */
  categories?: string[];
  /** Line charts: draw x on a log10 scale (viewer counts from 1k to 1M). */
  logX?: boolean;
}

export const chartSize = { width: 720, height: 420 } as const;
/** The plot area inside the chart: room for the title, the axis labels and the legend. */
export const plotArea = { left: 80, right: 700, top: 50, bottom: 340 } as const;

const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

/** Ticks at 1, 2 or 5 × a power of ten, from 0 (or the data's minimum) to at least `max`. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min, min + 1];
  const rough = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough) ?? 10 * power;
  const first = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let tick = first; tick < max + step * 0.999; tick += step) ticks.push(Number(tick.toPrecision(12)));
  return ticks;
}

/** 500 · 5k · 1.5M: short enough for an axis. */
export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${trim(value / 1e6)}M`;
  if (abs >= 1000) return `${trim(value / 1e3)}k`;
  return trim(value);
}

/** 14,254 · 2.5: a value written on its bar, in full. */
const formatValue = (value: number) =>
  Math.abs(value) >= 1000 ? Math.round(value).toLocaleString('en-US') : trim(value);

const trim = (value: number) => String(Number(value.toFixed(value !== 0 && Math.abs(value) < 10 ? 2 : 1)));

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Two decimals at most: stable text, small files. */
const at = (value: number) => String(Math.round(value * 100) / 100);

/** The axis mappings of a chart: data → SVG coordinates (exported for the tests). */
export function scales(chart: Chart) {
  const ys = chart.series.flatMap((series) => series.points.map((point) => point.y));
  const yTicks = niceTicks(Math.min(0, ...ys), Math.max(...ys, 0) || 1);
  const yMin = yTicks[0] ?? 0;
  const yMax = yTicks[yTicks.length - 1] ?? 1;
  const y = (value: number) => plotArea.bottom - ((value - yMin) / (yMax - yMin)) * (plotArea.bottom - plotArea.top);

  if (chart.kind === 'bar') {
    const groups = chart.categories?.length ?? Math.max(0, ...chart.series.map((series) => series.points.length));
    const groupWidth = (plotArea.right - plotArea.left) / Math.max(1, groups);
    const barWidth = (groupWidth * 0.8) / Math.max(1, chart.series.length);
    const x = (category: number, seriesIndex: number) =>
      plotArea.left + groupWidth * category + groupWidth * 0.1 + barWidth * seriesIndex;
    return { kind: 'bar' as const, y, yTicks, groups, groupWidth, barWidth, x };
  }

  const transform = (value: number) => (chart.logX ? Math.log10(value) : value);
  const xs = chart.series.flatMap((series) => series.points.map((point) => transform(point.x)));
  const xTicks = chart.logX
    ? range(Math.floor(Math.min(...xs)), Math.ceil(Math.max(...xs)))
    : niceTicks(Math.min(...xs), Math.max(...xs));
  const xMin = xTicks[0] ?? 0;
  const xMax = xTicks[xTicks.length - 1] ?? 1;
  const x = (value: number) =>
    plotArea.left + ((transform(value) - xMin) / (xMax - xMin || 1)) * (plotArea.right - plotArea.left);
  const xTickValues = chart.logX ? xTicks.map((power) => 10 ** power) : xTicks;
  return { kind: 'line' as const, y, yTicks, x, xTicks: xTickValues };
}

const range = (from: number, to: number) => Array.from({ length: Math.max(1, to - from) + 1 }, (_, i) => from + i);

export function renderChart(chart: Chart): string {
  if (chart.series.length === 0 || chart.series.every((series) => series.points.length === 0)) {
    throw new Error(`chart "${chart.title}" has no data`);
  }
  const axis = scales(chart);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${chartSize.width}" height="${chartSize.height}" viewBox="0 0 ${chartSize.width} ${chartSize.height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(chart.title)}</title>`,
    `<rect width="${chartSize.width}" height="${chartSize.height}" fill="#ffffff"/>`,
    `<text x="${chartSize.width / 2}" y="28" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(chart.title)}</text>`,
  ];

  // Horizontal grid and y ticks.
  for (const tick of axis.yTicks) {
    const y = at(axis.y(tick));
    out.push(
      `<line x1="${plotArea.left}" y1="${y}" x2="${plotArea.right}" y2="${y}" stroke="#e0e0e0"/>`,
      `<text x="${plotArea.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${formatNumber(tick)}</text>`,
    );
  }

  if (axis.kind === 'bar') {
    const categories = chart.categories ?? range(0, axis.groups - 1).map(String);
    categories.forEach((category, index) => {
      const x = at(plotArea.left + axis.groupWidth * (index + 0.5));
      out.push(`<text x="${x}" y="${plotArea.bottom + 18}" text-anchor="middle">${escapeXml(category)}</text>`);
    });
    chart.series.forEach((series, seriesIndex) => {
      const color = palette[seriesIndex % palette.length];
      for (const point of series.points) {
        const top = axis.y(Math.max(0, point.y));
        const height = Math.abs(axis.y(0) - axis.y(point.y));
        out.push(
          `<rect class="bar" data-series="${escapeXml(series.name)}" data-x="${point.x}" data-y="${point.y}" x="${at(axis.x(point.x, seriesIndex))}" y="${at(top)}" width="${at(axis.barWidth)}" height="${at(height)}" fill="${color}"/>`,
          `<text x="${at(axis.x(point.x, seriesIndex) + axis.barWidth / 2)}" y="${at(top - 4)}" text-anchor="middle" font-size="10">${formatValue(point.y)}</text>`,
        );
      }
    });
  } else {
    for (const tick of axis.xTicks) {
      const x = at(axis.x(tick));
      out.push(
        `<line x1="${x}" y1="${plotArea.top}" x2="${x}" y2="${plotArea.bottom}" stroke="#f0f0f0"/>`,
        `<text x="${x}" y="${plotArea.bottom + 18}" text-anchor="middle">${formatNumber(tick)}</text>`,
      );
    }
    chart.series.forEach((series, seriesIndex) => {
      const color = palette[seriesIndex % palette.length];
      const points = [...series.points].sort((a, b) => a.x - b.x);
      const path = points.map((point) => `${at(axis.x(point.x))},${at(axis.y(point.y))}`).join(' ');
      out.push(
        `<polyline class="line" data-series="${escapeXml(series.name)}" points="${path}" fill="none" stroke="${color}" stroke-width="2"/>`,
      );
      for (const point of points) {
        out.push(
          `<circle class="point" data-series="${escapeXml(series.name)}" data-x="${point.x}" data-y="${point.y}" cx="${at(axis.x(point.x))}" cy="${at(axis.y(point.y))}" r="3" fill="${color}"/>`,
        );
      }
    });
  }

  // Axes, their labels, the legend.
  out.push(
    `<line x1="${plotArea.left}" y1="${plotArea.bottom}" x2="${plotArea.right}" y2="${plotArea.bottom}" stroke="#333333"/>`,
    `<line x1="${plotArea.left}" y1="${plotArea.top}" x2="${plotArea.left}" y2="${plotArea.bottom}" stroke="#333333"/>`,
    `<text x="${(plotArea.left + plotArea.right) / 2}" y="${plotArea.bottom + 40}" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`,
    `<text x="18" y="${(plotArea.top + plotArea.bottom) / 2}" text-anchor="middle" transform="rotate(-90 18 ${(plotArea.top + plotArea.bottom) / 2})">${escapeXml(chart.yLabel)}</text>`,
  );
  chart.series.forEach((series, index) => {
    const x = plotArea.left + index * 160;
    const y = chartSize.height - 18;
    out.push(
      `<rect x="${x}" y="${y - 9}" width="12" height="12" fill="${palette[index % palette.length]}"/>`,
      `<text x="${x + 18}" y="${y}" dominant-baseline="middle">${escapeXml(series.name)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
