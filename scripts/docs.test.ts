/**
 * The README is a front page: short, and every page it sends a reader to exists. Links
 * between the docs pages (and their #anchors) must resolve too.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const DOCS = path.join(ROOT, 'docs');

/** Relative links of a Markdown text: [text](target), outside code spans and blocks. */
function markdownLinks(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1] as string)
    .filter((target) => !/^[a-z]+:/i.test(target));
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => headingAnchor(m[1] as string));
}

/** Links from `file` whose target file or #anchor does not exist. */
function brokenLinks(file: string): string[] {
  return markdownLinks(fs.readFileSync(file, 'utf8')).filter((link) => {
    const [target = '', anchor] = link.split('#');
    const resolved = target === '' ? file : path.resolve(path.dirname(file), target);
    if (!fs.existsSync(resolved)) return true;
    return anchor !== undefined && !anchorsOf(resolved).includes(anchor);
  });
}

const docsPages = fs
  .readdirSync(DOCS)
  .filter((f) => f.endsWith('.md'))
  .map((f) => path.join(DOCS, f));

describe('the README and the docs pages', () => {
  const readme = path.join(ROOT, 'README.md');

  test('the README is at most 150 lines', () => {
    const lines = fs.readFileSync(readme, 'utf8').trimEnd().split('\n').length;
    expect(lines).toBeLessThanOrEqual(150);
  });

  test('the README links every docs page, and each of its links resolves', () => {
    const links = markdownLinks(fs.readFileSync(readme, 'utf8'));
    for (const page of docsPages) expect(links).toContain(`docs/${path.basename(page)}`);
    expect(brokenLinks(readme)).toEqual([]);
  });

  test.each(docsPages.map((p) => path.basename(p)))('every link of docs/%s resolves', (page) => {
    expect(brokenLinks(path.join(DOCS, page))).toEqual([]);
  });

  test('a link to a missing page or anchor is found', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-'));
    try {
      const file = path.join(dir, 'page.md');
      fs.writeFileSync(
        file,
        '# A page\n\n## Faults: `npm run faults`\n\n[ok](#faults-npm-run-faults) [self](page.md#a-page) ' +
          '[gone](missing.md) [bad anchor](page.md#nothing) `[code](x.md)` [web](https://example.org)\n',
      );
      expect(brokenLinks(file)).toEqual(['missing.md', 'page.md#nothing']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
