import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import GithubSlugger from 'github-slugger';
import { type Token, type Tokens, lexer } from 'marked';

/** A relative link in a Markdown file that does not lead anywhere. */
export interface BrokenLink {
  file: string;
  line: number;
  target: string;
  reason: string;
}

/** README.md and every Markdown file under docs/, relative to `root`. */
export function documentationFiles(root: string): string[] {
  const docs = join(root, 'docs');
  const inDocs = existsSync(docs)
    ? readdirSync(docs)
        .filter((name) => name.endsWith('.md'))
        .map((name) => join('docs', name))
    : [];
  return ['README.md', ...inDocs.sort()];
}

/**
 * Every relative link (`[text](path)`, `[text](path#anchor)`, `[text](#anchor)`, reference links) in the
 * given Markdown files that names a missing file or a heading the target file does not have. Anchors use
 * GitHub's slugs (github-slugger), including the `-1`, `-2` suffixes of repeated headings. Links with a
 * scheme (`https:`, `mailto:`) are not followed.
 */
export function brokenLinks(root: string, files: string[]): BrokenLink[] {
  const anchors = new Map<string, Set<string>>();
  const anchorsOf = (path: string) => {
    let known = anchors.get(path);
    if (!known) {
      known = headingSlugs(readFileSync(path, 'utf8'));
      anchors.set(path, known);
    }
    return known;
  };
  const broken: BrokenLink[] = [];
  for (const file of files) {
    const source = readFileSync(join(root, file), 'utf8');
    for (const { href, line } of linksIn(source)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//')) continue;
      const [pathPart, anchor] = splitAnchor(href);
      const target = pathPart ? resolve(root, dirname(file), decodeURIComponent(pathPart)) : join(root, file);
      const report = (reason: string) => broken.push({ file, line, target: href, reason });
      if (relative(root, target).startsWith('..')) {
        report('points outside the repository');
      } else if (!existsSync(target)) {
        report('no such file');
      } else if (anchor !== undefined) {
        if (statSync(target).isDirectory() || !target.endsWith('.md'))
          report('an anchor into a file that is not Markdown');
        else if (!anchorsOf(target).has(decodeURIComponent(anchor).toLowerCase()))
          report(`no heading with anchor #${anchor}`);
      }
    }
  }
  return broken;
}

/** The anchors GitHub gives the headings of a Markdown text. */
export function headingSlugs(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const slugs = new Set<string>();
  walk(lexer(markdown), (token) => {
    if (token.type === 'heading') slugs.add(slugger.slug(plainText((token as Tokens.Heading).tokens)));
  });
  return slugs;
}

function linksIn(markdown: string): { href: string; line: number }[] {
  const links: { href: string; line: number }[] = [];
  const tokens = lexer(markdown);
  let offset = 0;
  for (const block of tokens) {
    let cursor = 0;
    walk([block], (token) => {
      if (token.type !== 'link' && token.type !== 'image') return;
      const at = block.raw.indexOf(token.raw, cursor);
      if (at >= 0) cursor = at;
      const line = markdown.slice(0, offset + cursor).split('\n').length;
      links.push({ href: (token as Tokens.Link).href, line });
    });
    offset += block.raw.length;
  }
  // Reference definitions ([name]: path) are gathered by the lexer, not left as tokens.
  for (const definition of Object.values(tokens.links)) links.push({ href: definition.href, line: 0 });
  return links;
}

function walk(tokens: Token[], visit: (token: Token) => void): void {
  for (const token of tokens) {
    visit(token);
    const nested = token as {
      tokens?: Token[];
      items?: Token[];
      header?: { tokens: Token[] }[];
      rows?: { tokens: Token[] }[][];
    };
    if (nested.tokens) walk(nested.tokens, visit);
    if (nested.items) walk(nested.items, visit);
    for (const cell of nested.header ?? []) walk(cell.tokens, visit);
    for (const row of nested.rows ?? []) for (const cell of row) walk(cell.tokens, visit);
  }
}

/** A heading's text as GitHub slugs it: the visible text, without Markdown syntax. */
function plainText(tokens: Token[]): string {
  return tokens
    .map((token) => {
      const inner = token as { tokens?: Token[]; text?: string };
      if (token.type === 'codespan' || token.type === 'text' || token.type === 'escape') return inner.text ?? '';
      if (inner.tokens) return plainText(inner.tokens);
      return inner.text ?? '';
    })
    .join('');
}

function splitAnchor(href: string): [string, string | undefined] {
  const hash = href.indexOf('#');
  return hash < 0 ? [href, undefined] : [href.slice(0, hash), href.slice(hash + 1)];
}
