import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { appRouter } from './root';

const apiReference = readFileSync(fileURLToPath(new URL('../../../docs/api.md', import.meta.url)), 'utf8');

describe('docs/api.md', () => {
  const procedures = Object.keys(appRouter._def.procedures).sort();

  it('sees the whole router', () => {
    expect(procedures).toContain('viewer.join');
    expect(procedures.length).toBeGreaterThan(15);
  });

  it.each(procedures)('documents %s under a heading of its own', (path) => {
    expect(apiReference).toMatch(new RegExp(`^### \`${path.replace('.', '\\.')}\` — `, 'm'));
  });
});
