// The Nx target `test` does not hash README.md, docs/, .ci/run or the e2e sources (a docs edit must not
// rerun the cargo-driving specs), so a spec there that read them would be replayed from cache after they
// change. Every file under src/ that builds a path out of this package from __dirname is therefore one
// of jest.config.js's DOCS_SPECS (the `rust-perf-docs` project, target `test-docs`, which hashes them),
// or reaches only what `test` hashes or a tool.
import * as fs from 'node:fs';
import * as path from 'node:path';

const pkg = path.resolve(__dirname, '..');
const repo = path.resolve(pkg, '../..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Paths built as join or resolve of __dirname and string literals that land outside the package: file → repo-relative targets. */
function reachingOut(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of sourceFiles(path.join(pkg, 'src'))) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/(?:join|resolve)\(\s*__dirname((?:\s*,\s*'[^']*')+)/g)) {
      const parts = [...m[1].matchAll(/'([^']*)'/g)].map((p) => p[1]);
      const target = path.resolve(path.dirname(file), ...parts);
      if (!path.relative(pkg, target).startsWith('..')) continue;
      const rel = path.relative(pkg, file);
      out.set(rel, [...(out.get(rel) ?? []), path.relative(repo, target)]);
    }
  }
  return out;
}

/** DOCS_SPECS as jest.config.js lists them. */
function docsSpecs(): string[] {
  const config = fs.readFileSync(path.join(pkg, 'jest.config.js'), 'utf8');
  const list = /const DOCS_SPECS = \[([^\]]*)\]/.exec(config);
  if (!list) throw new Error('jest.config.js has no `const DOCS_SPECS = [...]`');
  return [...list[1].matchAll(/'([^']+)'/g)].map((m) => m[1]);
}

describe('specs that read files outside the package', () => {
  const reached = reachingOut();
  const docs = docsSpecs();

  it('run in the rust-perf-docs project, or reach only examples/ (hashed by test) or a tool', () => {
    const elsewhere = Object.fromEntries([...reached].filter(([file]) => !docs.includes(file)));
    expect(elsewhere).toEqual({
      // The example Cargo workspace the generator specs copy in: `test` hashes examples/.
      'src/generators/__fixtures__/workspace.ts': ['examples/trading-desk/rust'],
      // The repository root, only to find .tools/bin/actionlint (a tool, not a document).
      'src/generators/ci-workflow/generator.spec.ts': [''],
    });
  });

  it('the rust-perf-docs project holds only specs that do reach outside it', () => {
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.filter((f) => !reached.has(f))).toEqual([]);
  });
});
