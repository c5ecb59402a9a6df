/**
 * The documentation holds together: every relative link leads to a file that exists, and to a
 * heading that exists when it names one; and every mention of the action's GitHub repository uses
 * the one name that scripts/set-action-name.mjs defines (and a release replaces).
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { ACTION_NAME } from '../../scripts/set-action-name.mjs';

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');
const filesIn = (dir: string, pattern: RegExp): string[] =>
  readdirSync(new URL(dir, root))
    .filter((name) => pattern.test(name))
    .sort()
    .map((name) => `${dir}${name}`);

const docsPages = filesIn('docs/', /\.md$/);
const linkingFiles = ['README.md', 'CONTRIBUTING.md', 'SECURITY.md', ...docsPages];

/** The text outside fenced code blocks and inline code, where links and headings live. */
function prose(markdown: string): string {
  return markdown
    .replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?^ {0,3}\1[^\n]*$/gm, '')
    .replace(/(`+)[\s\S]*?\1/g, '');
}

/** GitHub's anchor for a heading: lower case, punctuation other than `-` dropped, spaces to `-`. */
function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link's text only
    .replace(/<[^>]+>/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a markdown file's headings; a repeated heading gets -1, -2, ... as on GitHub. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const withoutFences = markdown.replace(
    /^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?^ {0,3}\1[^\n]*$/gm,
    '',
  );
  for (const match of withoutFences.matchAll(/^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/gm)) {
    const base = slug(match[1]!);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** Every link target of a markdown file: inline links, images and reference definitions. */
function linksOf(markdown: string): string[] {
  const text = prose(markdown);
  const inline = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const references = [...text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map(
    (m) => m[1]!,
  );
  return [...inline, ...references];
}

/** What is wrong with a relative link from `from` (a path from the repository root), if anything. */
function brokenLink(from: string, link: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(link)) return undefined; // https:, mailto: and the like
  const [pathPart = '', anchor] = link.split('#', 2);
  if (pathPart.startsWith('/')) return `${link}: use a relative link`;
  const target =
    pathPart === ''
      ? from
      : decodeURIComponent(new URL(pathPart, `file:///${from}`).pathname.slice(1));
  if (!existsSync(new URL(target, root))) {
    return `${link}: ${target} does not exist`;
  }
  if (anchor === undefined || !target.endsWith('.md')) return undefined;
  return anchorsOf(read(target)).has(anchor)
    ? undefined
    : `${link}: ${target} has no heading with the anchor #${anchor}`;
}

describe('links in the docs', () => {
  it('finds the docs pages', () => {
    expect(docsPages).toEqual(
      expect.arrayContaining(['docs/aws-credentials.md', 'docs/tokens-and-permissions.md']),
    );
  });

  it.each(linkingFiles)(
    'every relative link in %s leads to a file and heading that exist',
    (file) => {
      const broken = linksOf(read(file))
        .map((link) => brokenLink(file, link))
        .filter((problem) => problem !== undefined);
      expect(broken).toEqual([]);
    },
  );

  it('the README links every docs page, CONTRIBUTING, SECURITY, CHANGELOG and LICENSE', () => {
    const links = new Set(linksOf(read('README.md')).map((link) => link.split('#')[0]));
    const expected = [...docsPages, 'CONTRIBUTING.md', 'SECURITY.md'];
    for (const page of [...expected, 'CHANGELOG.md', 'LICENSE']) expect(links).toContain(page);
  });

  it('makes anchors as GitHub does', () => {
    expect(slug("Quick start: one user, this repository's secrets")).toBe(
      'quick-start-one-user-this-repositorys-secrets',
    );
    expect(slug('Organization secrets and `visibility`')).toBe(
      'organization-secrets-and-visibility',
    );
    expect(slug('Running the source with `@github/local-action`')).toBe(
      'running-the-source-with-githublocal-action',
    );
    expect([...anchorsOf('# A\n\n```sh\n# not a heading\n```\n\n## A\n')]).toEqual(['a', 'a-1']);
  });

  it('finds broken links (the check can fail)', () => {
    const links = linksOf(
      '[a](docs/nowhere.md) [b](README.md#no-such-heading) `[c](ignored.md)` [d](https://x.invalid)\n',
    );
    expect(links).toEqual(['docs/nowhere.md', 'README.md#no-such-heading', 'https://x.invalid']);
    expect(links.map((link) => brokenLink('CONTRIBUTING.md', link))).toEqual([
      'docs/nowhere.md: docs/nowhere.md does not exist',
      'README.md#no-such-heading: README.md has no heading with the anchor #no-such-heading',
      undefined,
    ]);
    expect(brokenLink('docs/how-it-works.md', 'self-rotation.md')).toBeUndefined();
    expect(brokenLink('docs/how-it-works.md', '../README.md#inputs')).toBeUndefined();
  });
});

describe("the action's name", () => {
  const placeholderFiles = [
    'README.md',
    'CONTRIBUTING.md',
    'SECURITY.md',
    'action.yml',
    '.env.example',
    ...docsPages,
    ...filesIn('examples/', /./),
    ...filesIn('schema/', /./),
  ];
  const repo = ACTION_NAME.split('/')[1]!.replace(/[.]/g, '\\.');
  const mention = new RegExp(`[\\w.-]*/(?:iam-key-rotation-action|${repo})(?![\\w-])`, 'g');

  it('is an owner/repository name', () => {
    expect(ACTION_NAME).toMatch(/^[\w.-]+\/[\w.-]+$/);
  });

  it('is how the README tells people to use the action', () => {
    expect(read('README.md')).toContain(`uses: ${ACTION_NAME}@v1`);
  });

  it.each(placeholderFiles)(`every mention of the repository in %s is ${ACTION_NAME}`, (file) => {
    const others = [...read(file).matchAll(mention)]
      .map((match) => match[0])
      .filter((name) => name !== ACTION_NAME);
    expect(others).toEqual([]);
  });

  it('finds a wrong owner (the check can fail)', () => {
    const text =
      'uses: octo/iam-key-rotation-action@v1 and raw.githubusercontent.com/iam-key-rotation-action/v1';
    expect([...text.matchAll(mention)].map((match) => match[0])).toEqual([
      'octo/iam-key-rotation-action',
      'raw.githubusercontent.com/iam-key-rotation-action',
    ]);
  });
});
