// The documentation a newcomer reads: a short README that starts with the two commands CI runs,
// one page per area under docs/, and no relative link (file or #heading) that leads nowhere.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderProfileTable } from './core/profiles/profiles';

const repo = path.resolve(__dirname, '../../..');
const read = (rel: string) => fs.readFileSync(path.join(repo, rel), 'utf8');

/** The pages other docs and helpers link to by name; README links each of them. */
const PAGES = [
  'docs/install.md',
  'docs/init.md',
  'docs/inference.md',
  'docs/builds-and-pgo.md',
  'docs/bench-and-ci.md',
  'docs/flamegraph.md',
  'docs/doctor-and-perf-report.md',
  'docs/remote-cache.md',
  'docs/troubleshooting.md',
  'docs/numbers.md',
  'docs/architecture.md',
  'docs/reliability.md',
];

const markdownFiles = ['README.md', ...fs.readdirSync(path.join(repo, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Lines outside ``` fences: headings and links inside code blocks are not markdown. */
function proseLines(text: string): string[] {
  let fenced = false;
  return text.split('\n').filter((line) => {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      return false;
    }
    return !fenced;
  });
}

/** GitHub's heading anchors (github-slugger): lower case, punctuation dropped, spaces to dashes, -1/-2 for repeats. */
function headingAnchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of proseLines(text)) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = m[1]
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Link targets of `[text](target)` and `![alt](target)` outside code. */
function linkTargets(text: string): string[] {
  const prose = proseLines(text).join('\n').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
}

describe('documentation', () => {
  it('README.md has at most 2,000 words', () => {
    const words = read('README.md').split(/\s+/).filter(Boolean).length;
    expect(words).toBeLessThanOrEqual(2000);
  });

  it('README.md starts with the demo and test commands, and .ci/run runs that test command', () => {
    const readme = read('README.md');
    const firstBlock = /```bash\n([\s\S]*?)```/.exec(readme)![1].split('\n').filter(Boolean);
    expect(firstBlock.map((l) => l.replace(/\s+#.*$/, ''))).toEqual(['bash scripts/setup.sh && npm run demo', 'bash scripts/setup.sh && npm test']);
    expect(readme.indexOf('```bash')).toBeLessThan(readme.indexOf('\n## '));
    const ciLines = read('.ci/run').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    expect(ciLines).toContain('bash scripts/setup.sh && npm test');
  });

  it('has one page per area, each linked from README.md', () => {
    const links = new Set(linkTargets(read('README.md')).map((t) => t.split('#')[0]));
    for (const page of PAGES) expect([page, fs.existsSync(path.join(repo, page)), links.has(page)]).toEqual([page, true, true]);
  });

  it('every relative link in README.md and docs/ resolves, including #heading anchors', () => {
    const broken: string[] = [];
    for (const file of markdownFiles) {
      for (const target of linkTargets(read(file))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …
        const [rel, anchor] = target.split('#');
        const resolved = rel ? path.join(path.dirname(file), decodeURIComponent(rel)) : file;
        if (!fs.existsSync(path.join(repo, resolved))) {
          broken.push(`${file}: ${target} (no file ${resolved})`);
        } else if (anchor !== undefined && resolved.endsWith('.md') && !headingAnchors(read(resolved)).has(anchor)) {
          broken.push(`${file}: ${target} (no heading #${anchor} in ${resolved})`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  // Here rather than in core/profiles/profiles.spec.ts, which drives cargo: a docs edit reruns only the docs specs.
  it('docs/init.md holds the profile table generated from the rows, between the profiles markers', () => {
    expect(read('docs/init.md')).toContain(`<!-- profiles:start -->\n${renderProfileTable()}\n<!-- profiles:end -->`);
  });

  it('computes anchors as GitHub does', () => {
    const text = '# A `nx g rust-perf:init` (also)\n```\n# not a heading\n```\n## When it fails\n## When it fails\n### `pgo-profile` → one `.profdata`\n';
    expect([...headingAnchors(text)]).toEqual(['a-nx-g-rust-perfinit-also', 'when-it-fails', 'when-it-fails-1', 'pgo-profile--one-profdata']);
  });
});
