// The import graph of src/: no cycle and no import pointing back up (core/ never reaches into the
// Nx-facing layers, plugins/ never into executors/ or generators/). Type-only imports count: a cycle
// of types is still two modules that cannot be read, moved or tested apart.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const src = __dirname;

/** Folders whose files must sit on no import cycle; '.' is all of src/. A folder here covers its subfolders. */
const ACYCLIC = ['.'];

/** Layers below others: a file under the key imports nothing under the listed folders. */
const NO_UPWARD: Record<string, string[]> = {
  core: ['executors', 'generators', 'migrations', 'plugins', 'cli.ts', 'bench-shards-cli.ts', 'index.ts'],
  plugins: ['executors', 'generators', 'migrations'],
};

type Graph = Map<string, string[]>;

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The file a relative specifier names (a .ts module, a schema.d.ts, a folder's index.ts, or a JSON file as written). */
function resolveRelative(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  return [`${base}.ts`, `${base}.d.ts`, path.join(base, 'index.ts'), ...(spec.endsWith('.json') ? [base] : [])].find((c) => fs.existsSync(c));
}

/** Every file's relative imports (`import`/`export … from`, `import()`, `require()`, `import type`), and those naming no file. */
function importGraph(files: string[]): { graph: Graph; unresolved: string[] } {
  const graph: Graph = new Map();
  const unresolved: string[] = [];
  for (const f of files) {
    const specs = ts.preProcessFile(fs.readFileSync(f, 'utf8'), true, true).importedFiles.map((i) => i.fileName).filter((s) => s.startsWith('.'));
    const targets: string[] = [];
    for (const spec of specs) {
      const t = resolveRelative(f, spec);
      if (t === undefined) unresolved.push(`${path.relative(src, f)}: '${spec}'`);
      else if (t.endsWith('.ts') && !t.endsWith('.d.ts')) targets.push(t);
    }
    graph.set(f, [...new Set(targets)]);
  }
  return { graph, unresolved };
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
export function cycles(graph: Graph): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

const rel = (f: string) => path.relative(src, f).split(path.sep).join('/');
const under = (file: string, folder: string) => folder === '.' || file === folder || file.startsWith(`${folder}/`);

describe('the import cycle finder', () => {
  it('finds a cycle through three files and a self-import, and nothing in a chain', () => {
    const g: Graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
      ['f', ['d']],
    ]);
    expect(cycles(g)).toEqual(expect.arrayContaining([['a', 'b', 'c'], ['e']]));
    expect(cycles(g)).toHaveLength(2);
  });
});

describe('imports in src/', () => {
  const { graph, unresolved } = importGraph(sourceFiles(src));

  it('resolves every relative import to a file (a move that missed an importer shows here)', () => {
    expect(unresolved).toEqual([]);
  });

  it(`has no import cycle through ${ACYCLIC.join(', ')} (of src/)`, () => {
    const offending = cycles(graph)
      .map((scc) => scc.map(rel))
      .filter((scc) => scc.some((f) => ACYCLIC.some((folder) => under(f, folder))));
    expect(offending).toEqual([]);
  });

  // Specs may drive an entry point (bolt.spec runs the CLI); the layering is about what ships.
  it('has no import pointing back up a layer', () => {
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      if (file.endsWith('.spec.ts')) continue;
      for (const [layer, above] of Object.entries(NO_UPWARD))
        if (under(rel(file), layer)) for (const t of targets) if (above.some((a) => under(rel(t), a))) upward.push(`${rel(file)} -> ${rel(t)}`);
    }
    expect(upward).toEqual([]);
  });
});
