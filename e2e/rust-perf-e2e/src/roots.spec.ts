// init right on the first try in any repository: every Cargo root found as cargo finds it, each
// tuned in place (the user's own profile values kept), every crate a project, builds cached per
// root; a workspace without nx.json; no committed linker flag unless --linker asks for one.
// Three shapes, each a fresh Nx workspace with the packed plugin and real cargo.
import { commitAll, createWorkspace, type TestWorkspace } from './harness';

const started = Date.now();
afterAll(() => console.log(`roots.spec: ${((Date.now() - started) / 1000).toFixed(1)} s`));

const hit = (out: string, task: string) => new RegExp(`nx run ${task}[^\\n]*(local cache|existing outputs match the cache)`).test(out);

const pkg = (name: string, extra = '') => `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n${extra}`;
const MAIN = (word: string) => `fn main() {\n    let n: u64 = std::env::args().count() as u64;\n    println!("${word} {}", (0..1000 + n).fold(0u64, |h, i| h.wrapping_mul(31) ^ i));\n}\n`;

// hyperfine's shape: one package, no [workspace], a build script and its own [profile.release].
const LONE = `${pkg('lonecli', 'build = "build.rs"\n')}
[profile.release]
lto = true
strip = true
codegen-units = 1
`;

interface Shape {
  name: string;
  files: Record<string, string>;
  /** Root manifest → values of [profile.release] that must survive init. */
  kept: Record<string, string[]>;
  /** Every crate, by Nx project name. */
  crates: string[];
  /** One project per root to build twice. */
  builds: string[];
}

const SHAPES: Shape[] = [
  {
    name: 'a lone package at the Nx root with a build script and its own [profile.release]',
    files: { 'Cargo.toml': LONE, 'build.rs': 'fn main() {\n    println!("cargo:rerun-if-changed=build.rs");\n}\n', 'src/main.rs': MAIN('lone') },
    kept: { 'Cargo.toml': ['lto = true', 'strip = true', 'codegen-units = 1'] },
    crates: ['lonecli'],
    builds: ['lonecli'],
  },
  {
    name: 'two standalone packages under apps/',
    files: {
      'apps/quotes/Cargo.toml': `${pkg('quotes')}\n[profile.release]\nopt-level = 2\n`,
      'apps/quotes/src/main.rs': MAIN('quotes'),
      'apps/orders/Cargo.toml': pkg('orders'),
      'apps/orders/src/main.rs': MAIN('orders'),
    },
    kept: { 'apps/quotes/Cargo.toml': ['opt-level = 2'], 'apps/orders/Cargo.toml': [] },
    crates: ['orders', 'quotes'],
    builds: ['orders', 'quotes'],
  },
  {
    name: 'a workspace under rust/ beside a standalone package under tools/',
    files: {
      'rust/Cargo.toml': '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n\n[profile.release]\nlto = false # we link often\n',
      'rust/crates/feed/Cargo.toml': `${pkg('feed')}\n[dependencies]\nticks = { path = "../ticks" }\n`,
      'rust/crates/feed/src/main.rs': 'fn main() {\n    println!("{}", ticks::sum(1000));\n}\n',
      'rust/crates/ticks/Cargo.toml': pkg('ticks'),
      'rust/crates/ticks/src/lib.rs': 'pub fn sum(n: u64) -> u64 {\n    (0..n).sum()\n}\n',
      'tools/replay/Cargo.toml': pkg('replay'),
      'tools/replay/src/main.rs': MAIN('replay'),
    },
    kept: { 'rust/Cargo.toml': ['lto = false # we link often'], 'tools/replay/Cargo.toml': [] },
    crates: ['feed', 'replay', 'ticks'],
    builds: ['feed', 'replay'],
  },
];

async function workspaceWith(files: Record<string, string>, name: string): Promise<TestWorkspace> {
  const ws = await createWorkspace({ example: false, name });
  for (const [rel, text] of Object.entries(files)) ws.write(rel, text);
  // Every root gets its own lock file, as `cargo build` would make it (no dependencies: offline).
  for (const manifest of Object.keys(files).filter((f) => f.endsWith('Cargo.toml') && !f.includes('/crates/'))) {
    await ws.exec('cargo', ['generate-lockfile', '--offline', '--manifest-path', manifest]);
  }
  await commitAll(ws, name);
  return ws;
}

describe.each(SHAPES)('init with no options: $name', (shape) => {
  let ws: TestWorkspace;
  let initOut = '';
  beforeAll(async () => {
    ws = await workspaceWith(shape.files, 'roots');
    const r = await ws.nx(['g', 'rust-perf:init', '--no-interactive']);
    initOut = r.stdout + r.stderr;
  }, 600_000);
  afterAll(() => ws?.cleanup());

  it('[gen-lone-package] exits 0, writes the profiles in each root and keeps the user\'s values; one summary line per root', () => {
    for (const [manifest, values] of Object.entries(shape.kept)) {
      const text = ws.read(manifest);
      expect([manifest, text]).toEqual([manifest, expect.stringContaining('[profile.ci]')]);
      const release = text.slice(text.indexOf('[profile.release]'), text.indexOf('\n[', text.indexOf('[profile.release]') + 1));
      for (const v of values) expect([manifest, release]).toEqual([manifest, expect.stringContaining(`\n${v}\n`)]);
      expect(initOut).toMatch(new RegExp(`rust-perf: ${manifest.replace(/[./]/g, '\\$&')}: \\d+ profile value\\(s\\) set, \\d+ kept; `));
    }
    // Members are never roots: their manifests are untouched.
    for (const member of Object.keys(shape.files).filter((f) => f.includes('/crates/') && f.endsWith('Cargo.toml'))) expect(ws.read(member)).toBe(shape.files[member]);
    // No linker flag by default, though mold is installed here.
    expect(initOut).not.toMatch(/fuse-ld/);
  });

  it('nx show projects lists every crate', async () => {
    const projects = JSON.parse((await ws.nx(['show', 'projects', '--json'])).stdout) as string[];
    expect(projects.sort()).toEqual(shape.crates);
  });

  it('build-release of one project per root builds, then hits the cache', async () => {
    const targets = shape.builds.map((p) => `${p}:build-release`);
    const first = await ws.nx(['run-many', '-t', 'build-release', '-p', ...shape.builds, '--parallel=1']);
    for (const t of targets) expect([t, hit(first.stdout, t)]).toEqual([t, false]);
    const second = await ws.nx(['run-many', '-t', 'build-release', '-p', ...shape.builds, '--parallel=1']);
    for (const t of targets) expect([t, hit(second.stdout, t)]).toEqual([t, true]);
  });
});

describe('init in a workspace made with npm init + npm i -D nx (no nx.json)', () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await createWorkspace({ example: false, name: 'no nx json' });
    ws.write('Cargo.toml', LONE);
    ws.write('build.rs', 'fn main() {}\n');
    ws.write('src/main.rs', MAIN('lone'));
    ws.write('.gitignore', 'node_modules\n/target\n');
    await ws.exec('git', ['rm', '-q', '--cached', 'nx.json']);
    await ws.exec('rm', ['nx.json']);
    await commitAll(ws, 'no nx.json');
  }, 600_000);
  afterAll(() => ws?.cleanup());

  it('[gen-nx-json-missing] creates nx.json with the plugin, git-ignores .nx/cache and .nx/workspace-data, and every "updated" file was written', async () => {
    const r = await ws.nx(['g', 'rust-perf:init', '--no-interactive']);
    const updated = /init updated ([^\n[]+) \[/.exec(r.stdout + r.stderr)?.[1];
    expect(updated).toBe('Cargo.toml, .gitignore, nx.json (created)');
    const status = (await ws.exec('git', ['status', '--porcelain'])).stdout;
    expect(status.split('\n').filter(Boolean).sort()).toEqual([' M .gitignore', ' M Cargo.toml', '?? nx.json']);
    expect((JSON.parse(ws.read('nx.json')) as { plugins: unknown[] }).plugins).toEqual(['rust-perf']);
    for (const p of ['.nx/cache/x', '.nx/workspace-data/x']) expect((await ws.exec('git', ['check-ignore', '-q', p], { allowFailure: true })).exitCode).toBe(0);
    const projects = JSON.parse((await ws.nx(['show', 'projects', '--json'])).stdout) as string[];
    expect(projects).toEqual(['lonecli']);
  });
});

describe('the linker: nothing by default, mold when asked (mold is installed on this host)', () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await workspaceWith({ 'apps/orders/Cargo.toml': pkg('orders'), 'apps/orders/src/main.rs': MAIN('orders'), 'apps/quotes/Cargo.toml': pkg('quotes'), 'apps/quotes/src/main.rs': MAIN('quotes') }, 'linker');
  }, 600_000);
  afterAll(() => ws?.cleanup());

  it('[gen-committed-mold] a default init writes no -fuse-ld flag; --linker mold writes it with the comment that every machine needs mold, and it links', async () => {
    expect((await ws.exec('mold', ['--version'])).exitCode).toBe(0);
    await ws.nx(['g', 'rust-perf:init', '--no-interactive']);
    expect(ws.exists('apps/orders/.cargo/config.toml') ? ws.read('apps/orders/.cargo/config.toml') : '').not.toContain('fuse-ld');
    // --cargoRoot given twice picks those roots (here: one of the two).
    const r = await ws.nx(['g', 'rust-perf:init', '--no-interactive', '--linker', 'mold', '--cargoRoot', 'apps/orders', '--cargoRoot', './apps/orders/']);
    expect(r.stdout + r.stderr).toMatch(/linker: mold \(proven by a test link/);
    const config = ws.read('apps/orders/.cargo/config.toml');
    expect(config).toContain('"-C", "link-arg=-fuse-ld=mold"');
    expect(config).toContain('every machine that builds this repository, CI runners included, needs mold installed');
    expect(ws.exists('apps/quotes/.cargo/config.toml') ? ws.read('apps/quotes/.cargo/config.toml') : '').not.toContain('fuse-ld');
    await ws.nx(['run', 'orders:build-release']);
    const binary = (await ws.exec('find', ['dist', '-type', 'f', '-name', 'orders'])).stdout.trim().split('\n')[0];
    const comment = (await ws.exec('readelf', ['-p', '.comment', binary])).stdout;
    // strip = true keeps .comment; the linker names itself there.
    expect(comment).toMatch(/mold/);
  });
});
