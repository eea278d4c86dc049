import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { appRouter } from './root';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const apiReference = readFileSync(resolve(repo, 'docs/api.md'), 'utf8');

describe('docs/api.md', () => {
  const procedures = Object.keys(appRouter._def.procedures).sort();

  it('sees the whole router', () => {
    expect(procedures).toContain('viewer.join');
    expect(procedures.length).toBeGreaterThan(15);
  });

  it.each(procedures)('documents %s: who, input, output, errors, a client and a curl example', (path) => {
    const heading = new RegExp(
      `^### \`${path.replace('.', '\\.')}\` — (query|mutation|subscription), (operator|anyone)$`,
      'm',
    );
    expect(apiReference).toMatch(heading);
    const start = apiReference.search(heading);
    const end = apiReference.slice(start + 4).search(/^##/m);
    const section = apiReference.slice(start, end === -1 ? undefined : start + 4 + end);
    expect(section).toMatch(/Input|No input/);
    expect(section).toMatch(/Output|Events/);
    expect(section).toContain('Errors:');
    expect(section).toContain(`onair.${path}.`);
    expect(section).toMatch(/curl -s/);
  });
});

describe.each(['README.md', 'docs/architecture.md', 'docs/api.md', 'docs/operations.md', 'packages/client/README.md'])(
  '%s',
  (document) => {
    const text = readFileSync(resolve(repo, document), 'utf8');

    it('links only files that are in the repository', () => {
      const links = [...text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)].map((match) => match[1] ?? '');
      const local = links.filter((link) => !/^[a-z]+:/.test(link));
      const missing = local.filter((link) => !existsSync(resolve(repo, dirname(document), link)));
      expect(missing).toEqual([]);
      expect(text).not.toMatch(/shared\/design\.md/);
    });
  },
);
