// Several Cargo roots in one Nx repository, as inference sees them (the plugin registered, the
// manifests written here): two standalone packages under apps/ that are both called `service`, and a
// workspace under rust/ beside a standalone package under tools/ that path-depends on a rust/ member.
// Each root keeps its own target dir (no shared CARGO_TARGET_DIR: two `service` binaries would be
// uplifted to one path there); the crates have no dependencies, so each cold build takes seconds.
import * as path from 'node:path';
import { cacheHit, commitAll, createWorkspace, ranTask, type TestWorkspace } from './harness';

const bin = (name: string, deps = '') =>
  `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n${deps ? `\n[dependencies]\n${deps}\n` : ''}`;
const FILES: Record<string, string> = {
  'apps/a/Cargo.toml': bin('service'),
  'apps/a/src/main.rs': 'fn main() {\n    println!("service a");\n}\n',
  'apps/b/Cargo.toml': bin('service'),
  'apps/b/src/main.rs': 'fn main() {\n    println!("service b");\n}\n',
  'rust/Cargo.toml': '[workspace]\nmembers = ["engine", "common"]\nresolver = "2"\n',
  'rust/common/Cargo.toml': '[package]\nname = "common"\nversion = "0.1.0"\nedition = "2021"\n',
  'rust/common/src/lib.rs': 'pub fn answer() -> u32 {\n    42\n}\n',
  'rust/engine/Cargo.toml': bin('engine', 'common = { path = "../common" }'),
  'rust/engine/src/main.rs': 'fn main() {\n    println!("engine {}", common::answer());\n}\n',
  // A path dependency across roots: tools/ is its own root and links rust/common.
  'tools/Cargo.toml': bin('loadgen', 'common = { path = "../rust/common" }'),
  'tools/src/main.rs': 'fn main() {\n    println!("loadgen {}", common::answer());\n}\n',
};
const ROOTS = ['apps/a', 'apps/b', 'rust', 'tools'];
const BUILT = ['apps-a-service', 'apps-b-service', 'engine', 'loadgen'];

interface ProjectJson {
  root: string;
  namedInputs: Record<string, unknown[]>;
  targets: Record<string, { options: { cargoRoot: string; package: string; outputPath?: string } }>;
}

describe('multi-root: every Cargo root is inferred, built, cached and keyed on its own files', () => {
  const started = Date.now();
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await createWorkspace({ example: false, registerPlugin: true, sharedTarget: false });
    for (const [rel, text] of Object.entries(FILES)) ws.write(rel, text);
    ws.write('.gitignore', 'node_modules\n.nx\ndist\ntarget\n');
    // Committed lockfiles, as real repositories have them (a build would otherwise write them and change its own inputs).
    for (const root of ROOTS) await ws.exec('cargo', ['generate-lockfile', '--offline'], { cwd: path.join(ws.root, root) });
    await commitAll(ws, 'four cargo roots');
  }, 600_000);
  afterAll(() => {
    ws?.cleanup();
    console.log(`multi-root.spec: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  const show = async (project: string) => JSON.parse((await ws.nx(['show', 'project', project, '--json'])).stdout) as ProjectJson;

  it('[infer-duplicate-crate-name] lists every crate; the two `service` packages get names qualified by their root', async () => {
    const projects = JSON.parse((await ws.nx(['show', 'projects', '--json'])).stdout) as string[];
    expect([...projects].sort()).toEqual(['apps-a-service', 'apps-b-service', 'common', 'engine', 'loadgen']);
    const a = await show('apps-a-service');
    expect(a.root).toBe('apps/a');
    // cargo still gets the package name; the outputs are the project's, so they never meet b's.
    expect(a.targets['build-release'].options).toMatchObject({ cargoRoot: 'apps/a', package: 'service', outputPath: 'dist/rust/apps-a-service/release' });
    expect((await show('apps-b-service')).targets['build-release'].options.outputPath).toBe('dist/rust/apps-b-service/release');
  });

  it('[infer-root-inputs] each project keys on its own root\'s Cargo.lock and the .cargo/config.toml files cargo reads above it', async () => {
    const inputs = (await show('apps-a-service')).namedInputs.rustWorkspace;
    expect(inputs).toEqual(expect.arrayContaining(['{workspaceRoot}/apps/a/Cargo.lock', '{workspaceRoot}/apps/a/.cargo/config.toml', '{workspaceRoot}/apps/.cargo/config.toml', '{workspaceRoot}/.cargo/config.toml']));
    expect(inputs).not.toContain('{workspaceRoot}/apps/b/Cargo.lock');
    expect((await show('loadgen')).namedInputs.rustWorkspace).toContain('{workspaceRoot}/tools/Cargo.lock');
  });

  it('graph edges: inside the rust/ workspace, and the path dependency across roots', async () => {
    await ws.nx(['graph', '--file=graph.json']);
    const graph = JSON.parse(ws.read('graph.json')) as { graph: { dependencies: Record<string, Array<{ target: string }>> } };
    const edges = Object.entries(graph.graph.dependencies).flatMap(([from, deps]) => deps.map((d) => `${from}->${d.target}`));
    expect(edges.sort()).toEqual(['engine->common', 'loadgen->common']);
  });

  it('[infer-lockfile-per-root] builds one project of each root, hits the cache, and a Cargo.lock change reruns only its root', async () => {
    const many = () => ws.nx(['run-many', '-t', 'build-release', '-p', BUILT.join(','), '--outputStyle=static']);
    const first = await many();
    for (const p of BUILT) expect(ranTask(first.stdout, `${p}:build-release`)).toBe(true);
    // Each root built in its own target dir, and the same-named binaries landed apart.
    for (const root of ROOTS) expect(ws.exists(`${root}/target/release`)).toBe(true);
    expect((await ws.exec(path.join(ws.root, 'dist/rust/apps-a-service/release/service'), [])).stdout.trim()).toBe('service a');
    expect((await ws.exec(path.join(ws.root, 'dist/rust/apps-b-service/release/service'), [])).stdout.trim()).toBe('service b');
    expect((await ws.exec(path.join(ws.root, 'dist/rust/loadgen/release/loadgen'), [])).stdout.trim()).toBe('loadgen 42');

    const second = await many();
    for (const p of BUILT) expect(cacheHit(second.stdout, `${p}:build-release`)).toBe(true);

    ws.write('apps/a/Cargo.lock', `${ws.read('apps/a/Cargo.lock')}# changed by the test\n`);
    const third = await many();
    expect(ranTask(third.stdout, 'apps-a-service:build-release')).toBe(true);
    for (const p of BUILT.filter((x) => x !== 'apps-a-service')) expect(cacheHit(third.stdout, `${p}:build-release`)).toBe(true);
  }, 600_000);

  it('[build-flag-provenance] a config at the Nx root reruns a root below it; the log names each flag\'s origin, init\'s table as init\'s', async () => {
    ws.write('.cargo/config.toml', '[build]\nrustflags = ["--cfg", "from_nx_root"]\n');
    await ws.nx(['g', 'rust-perf:init', '--cargoRoot=apps/b', '--cpu=x86-64-v3', '--no-interactive']);
    const a = await ws.nx(['run', 'apps-a-service:build-release', '--outputStyle=static']);
    expect(ranTask(a.stdout, 'apps-a-service:build-release')).toBe(true);
    expect(a.stdout).toMatch(/^ {4}--cfg from_nx_root +your \[build\] rustflags in \.cargo\/config\.toml$/m);
    // apps/b's own table (init's, marked by its comment) wins over the [build] table above it, as in cargo.
    const b = await ws.nx(['run', 'apps-b-service:build-release', '--outputStyle=static']);
    // (which cfg table init writes depends on the linker it chose, so the key is left open)
    expect(b.stdout).toMatch(/^ {4}-C target-cpu=x86-64-v3 +rust-perf's table, written by init: apps\/b\/\.cargo\/config\.toml \[target\.'cfg\(.*\)'\]$/m);
    expect(b.stdout).not.toContain("user's from");
  }, 600_000);
});
