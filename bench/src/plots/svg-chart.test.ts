import { describe, expect, it } from 'vitest';
import { type Chart, niceTicks, plotArea, renderChart, scales } from './svg-chart';

interface Element {
  name: string;
  attributes: Record<string, string>;
  text: string;
}

/**
 * A small XML reader, enough for these charts: every tag closes in order, attributes are quoted
 * once each, text has no raw `<` or `&` that is not an entity. Returns the elements in document order.
 */
function parseSvg(svg: string): Element[] {
  const elements: Element[] = [];
  const open: Element[] = [];
  const token = /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let consumed = 0;
  for (const match of svg.matchAll(token)) {
    consumed = (match.index ?? 0) + match[0].length;
    const [, closing, name, attributeText, selfClosing, text] = match;
    if (text !== undefined) {
      expect(text, 'text is escaped').not.toMatch(/&(?!amp;|lt;|gt;|quot;)/);
      const parent = open[open.length - 1];
      if (parent) parent.text += text;
      else expect(text.trim(), 'nothing outside the root element').toBe('');
      continue;
    }
    if (closing) {
      expect(open.pop()?.name, `</${name}> closes the element opened last`).toBe(name);
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const [, key, value] of (attributeText ?? '').matchAll(/([\w:-]+)="([^"]*)"/g)) {
      expect(attributes, `attribute ${key} given once`).not.toHaveProperty(key as string);
      attributes[key as string] = value as string;
    }
    const element = { name: name as string, attributes, text: '' };
    elements.push(element);
    if (!selfClosing) open.push(element);
  }
  expect(consumed, 'the whole document is tags and text').toBe(svg.length);
  expect(open, 'every element is closed').toEqual([]);
  return elements;
}

const fanout: Chart = {
  kind: 'line',
  title: 'Delivered messages <per second> & latency',
  xLabel: 'subscribers',
  yLabel: 'messages/s',
  series: [
    { name: 'OnAir', points: [1000, 5000, 20000].map((x) => ({ x, y: x * 9.5 })) },
    { name: 'bare', points: [1000, 5000, 20000].map((x) => ({ x, y: x * 10 })) },
  ],
};

const joins: Chart = {
  kind: 'bar',
  title: 'Joins per second',
  xLabel: 'path',
  yLabel: 'joins/s',
  categories: ['unbatched', 'batched ×10', 'tokens'],
  series: [
    {
      name: 'OnAir',
      points: [
        { x: 0, y: 2862 },
        { x: 1, y: 6158 },
        { x: 2, y: 1695 },
      ],
    },
    {
      name: 'bare',
      points: [
        { x: 0, y: 6403 },
        { x: 1, y: 14254 },
      ],
    },
  ],
};

describe('renderChart', () => {
  it('writes a well-formed SVG document with the title, axis labels and a legend entry per series', () => {
    const elements = parseSvg(renderChart(fanout));
    expect(elements[0]?.name).toBe('svg');
    expect(elements[0]?.attributes.xmlns).toBe('http://www.w3.org/2000/svg');
    const texts = elements.filter((element) => element.name === 'text').map((element) => element.text);
    expect(texts).toContain('Delivered messages &lt;per second&gt; &amp; latency');
    expect(texts).toEqual(expect.arrayContaining(['subscribers', 'messages/s', 'OnAir', 'bare']));
    expect(elements.find((element) => element.name === 'title')?.text).toBe(
      'Delivered messages &lt;per second&gt; &amp; latency',
    );
  });

  it('maps every point of a line chart into the plot area, in the order of its values', () => {
    const elements = parseSvg(renderChart(fanout));
    const points = elements.filter((element) => element.name === 'circle');
    expect(points).toHaveLength(6);
    for (const point of points) {
      const cx = Number(point.attributes.cx);
      const cy = Number(point.attributes.cy);
      expect(cx).toBeGreaterThanOrEqual(plotArea.left);
      expect(cx).toBeLessThanOrEqual(plotArea.right);
      expect(cy).toBeGreaterThanOrEqual(plotArea.top);
      expect(cy).toBeLessThanOrEqual(plotArea.bottom);
    }
    // Larger x is further right, larger y is higher up (smaller SVG y), exactly as the scales say.
    const axis = scales(fanout);
    const bare = points.filter((point) => point.attributes['data-series'] === 'bare');
    const xs = bare.map((point) => Number(point.attributes.cx));
    const ys = bare.map((point) => Number(point.attributes.cy));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(ys).toEqual([...ys].sort((a, b) => b - a));
    expect(Number(bare[2]?.attributes.cy)).toBeCloseTo(axis.y(200_000), 1);
    expect(axis.y(0)).toBe(plotArea.bottom);
    // The top tick covers the largest value.
    expect(axis.yTicks[axis.yTicks.length - 1]).toBeGreaterThanOrEqual(200_000);
  });

  it('draws bars from zero to their value, side by side within their category', () => {
    const elements = parseSvg(renderChart(joins));
    const bars = elements.filter((element) => element.name === 'rect' && element.attributes.class === 'bar');
    expect(bars).toHaveLength(5);
    const axis = scales(joins);
    for (const bar of bars) {
      const value = Number(bar.attributes['data-y']);
      const y = Number(bar.attributes.y);
      const height = Number(bar.attributes.height);
      expect(y + height).toBeCloseTo(plotArea.bottom, 1);
      expect(y).toBeCloseTo(axis.y(value), 1);
      expect(y).toBeGreaterThanOrEqual(plotArea.top);
    }
    const tallest = bars.reduce((a, b) => (Number(a.attributes.height) >= Number(b.attributes.height) ? a : b));
    expect(tallest.attributes['data-y']).toBe('14254');
    const left = (series: string, x: string) =>
      Number(
        bars.find((bar) => bar.attributes['data-series'] === series && bar.attributes['data-x'] === x)?.attributes.x,
      );
    expect(left('OnAir', '1')).toBeLessThan(left('bare', '1'));
    expect(left('bare', '0')).toBeLessThan(left('OnAir', '1'));
  });

  it('spreads a log-scale x axis over powers of ten', () => {
    const capacity: Chart = {
      kind: 'line',
      logX: true,
      title: 'API instances',
      xLabel: 'concurrent viewers',
      yLabel: 'instances',
      series: [{ name: 'model', points: [1e3, 1e4, 1e5, 1e6].map((x) => ({ x, y: x / 1e4 })) }],
    };
    const axis = scales(capacity);
    if (axis.kind !== 'line') throw new Error('a line chart');
    expect(axis.xTicks).toEqual([1e3, 1e4, 1e5, 1e6]);
    const step = axis.x(1e4) - axis.x(1e3);
    expect(axis.x(1e6) - axis.x(1e5)).toBeCloseTo(step, 6);
    expect(axis.x(1e3)).toBe(plotArea.left);
    expect(axis.x(1e6)).toBe(plotArea.right);
    parseSvg(renderChart(capacity));
  });

  it('gives the same bytes for the same data', () => {
    expect(renderChart(joins)).toBe(renderChart(structuredClone(joins)));
  });

  it('refuses a chart without data', () => {
    expect(() => renderChart({ ...joins, series: [] })).toThrow(/no data/);
  });
});

describe('niceTicks', () => {
  it('steps by 1, 2 or 5 times a power of ten and covers the range', () => {
    expect(niceTicks(0, 14_254)).toEqual([0, 5000, 10000, 15000]);
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 47_482)).toEqual([0, 10000, 20000, 30000, 40000, 50000]);
  });
});
