// rust-perf installed the way users install it: published with the repository's own `nx release`
// to a local Verdaccio registry this test starts and stops, then installed from it by npm (`nx add`),
// pnpm (strict layout), yarn 4 (node-modules and PnP), upgraded with `nx migrate`, and refused or
// explained on an Nx outside the peer range. Cargo builds use the harness's shared target dir; the one
// release build of an example crate is npm's (market-data), the workflow tests build a tiny crate.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { must, repoRoot } from './harness';
import { parse } from 'yaml';
import { gitEnv, registryRoot, releaseClone, startRegistry, userWorkspace, type LocalRegistry, type ReleaseClone, type UserWorkspace } from './registry';

// Version A: the plugin as of the last commit before init became portable (its init wrote
// -C target-cpu=native by default). Version B: this working tree. The migration runs between them.
const A_COMMIT = 'bce58ae547d18210daf52028b2d803a01ae8d6ae';
const A = '0.0.1';
const B = '0.1.0';
// Below the peer range (no Nx newer than the range is published yet).
const UNSUPPORTED_NX = '21.6.11';
const CACHED = /\[local cache\]|\[existing outputs match the cache, left as is\]/;
const CRATES = ['common', 'execution-engine', 'market-data'];
const PKG_DIRS = ['packages/rust-perf/src', 'packages/rust-perf/executors.json', 'packages/rust-perf/generators.json', 'packages/rust-perf/package.json'];

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;
const log = (line: string) => process.stdout.write(`registry.spec [${elapsed()}]: ${line}\n`);

let dir: string;
let registry: LocalRegistry;
let clone: ReleaseClone;
let repoState: string;

// What a release would change in the real repository: its tags, the version files, a release commit.
// (Not HEAD itself: a developer may commit while the suite runs.)
const repoSnapshot = async () =>
  [['tag', '-l'], ['status', '--porcelain', '--', 'packages/rust-perf/package.json', 'packages/rust-perf/CHANGELOG.md', 'package-lock.json'], ['log', '-1', '--format=%s', '--grep=^chore(release)']]
    .map(async (args) => (await must('git', args, repoRoot)).stdout)
    .reduce(async (a, b) => (await a) + (await b), Promise.resolve(''));
const projects = (out: string) => (JSON.parse(out.slice(out.indexOf('['))) as string[]).sort();
const npmrc = () => ({ '.npmrc': `registry=${registry.url}\n` });
const nxJson = { 'nx.json': JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json' }, null, 2) + '\n' };

// The crate the workflow tests touch: a binary with no dependencies, added to the example's Cargo
// workspace. What those tests prove holds for any crate (the workflow's line, run by bash as the runner
// runs it, selects exactly the touched crate's build-release and Nx runs it); a touched market-data
// repeated npm's cold release build of it (serde and all) twice more, where this one links in seconds.
const PROBE = 'ci-probe';

/** Adds PROBE to the Cargo workspace and commits it with the lock entry cargo writes for it. */
async function addProbeCrate(ws: UserWorkspace): Promise<void> {
  fs.mkdirSync(path.join(ws.cargoRoot, PROBE, 'src'), { recursive: true });
  ws.write(`rust/${PROBE}/Cargo.toml`, `[package]\nname = "${PROBE}"\nversion = "0.1.0"\nedition = "2021"\npublish = false\n`);
  ws.write(`rust/${PROBE}/src/main.rs`, `fn main() {\n    println!("${PROBE} ran");\n}\n`);
  const manifest = ws.read('rust/Cargo.toml');
  ws.write('rust/Cargo.toml', manifest.replace('members = ["common", "market-data", "execution-engine"]', `members = ["common", "market-data", "execution-engine", "${PROBE}"]`));
  expect(ws.read('rust/Cargo.toml')).toContain(`"${PROBE}"]`);
  // Committed with its lock entry, as a user commits it: the build must not change Cargo.lock after Nx hashed it.
  await ws.exec('cargo', ['update', '--workspace'], { cwd: ws.cargoRoot });
  expect(ws.read('rust/Cargo.lock')).toContain(`name = "${PROBE}"`);
  await ws.exec('git', ['add', '-A']);
  await ws.exec('git', ['commit', '-qm', `add ${PROBE}`], { env: gitEnv });
}

/**
 * ci-workflow in a pnpm or yarn workspace: its own install step, and the workflow's build line, run by
 * bash as the runner does (quoted $NX_BASE/$NX_HEAD), builds exactly what a commit touching PROBE affects.
 */
async function workflowMatches(ws: UserWorkspace, run: (args: string[]) => [string, string[]], install: string[], nxPrefix: string): Promise<void> {
  await ws.exec(...run(['nx', 'g', 'rust-perf:ci-workflow', '--no-interactive']));
  const steps = (parse(ws.read('.github/workflows/perf.yml')) as { jobs: { perf: { steps: Array<{ name?: string; run?: string }> } } }).jobs.perf.steps;
  const runs = steps.map((x) => x.run).filter(Boolean) as string[];
  expect(runs).toEqual(expect.arrayContaining(install));
  expect(runs.join('\n')).not.toMatch(/npm ci|npx /);
  const line = steps.find((x) => x.name === 'Build affected crates')!.run!;
  expect(line).toBe(`${nxPrefix} affected -t build-release "--base=$NX_BASE" "--head=$NX_HEAD"`);
  await addProbeCrate(ws);
  const main = `rust/${PROBE}/src/main.rs`;
  ws.write(main, ws.read(main) + '// touched\n');
  await ws.exec('git', ['add', '-A']);
  await ws.exec('git', ['commit', '-qm', `touch ${PROBE}`], { env: gitEnv });
  const r = await ws.exec('bash', ['-c', line], { env: { NX_BASE: 'HEAD~1', NX_HEAD: 'HEAD' } });
  // Run for real (no cache note), and no other crate's build-release.
  expect(r.stdout).toMatch(new RegExp(`nx run ${PROBE}:build-release(?![^\\n]*cache)`));
  expect([...new Set([...r.stdout.matchAll(/nx run ([\w-]+):build-release/g)].map((m) => m[1]))]).toEqual([PROBE]);
  // cargo built the touched source: the published binary is the release build of it, and it runs.
  const binary = path.join(ws.root, `dist/rust/${PROBE}/release/${PROBE}`);
  expect((await ws.exec(binary, [])).stdout).toBe(`${PROBE} ran\n`);
}

const yarnrc = (linker: string) =>
  [
    `npmRegistryServer: "${registry.url.replace(/\/$/, '')}"`,
    'unsafeHttpWhitelist: ["127.0.0.1"]',
    `nodeLinker: ${linker}`,
    // Yarn 4.10+ quarantines versions younger than a day (npmMinimalAgeGate): ours is minutes old.
    'npmPreapprovedPackages: ["rust-perf"]',
    'enableTelemetry: false',
    '',
  ].join('\n');

beforeAll(async () => {
  repoState = await repoSnapshot();
  fs.mkdirSync(registryRoot, { recursive: true });
  dir = fs.mkdtempSync(path.join(registryRoot, 'run-'));
  registry = await startRegistry(path.join(dir, 'verdaccio'));
  log(`verdaccio listening on ${registry.url}`);
  clone = await releaseClone(dir, registry);
}, 10 * 60 * 1000);

afterAll(async () => {
  await registry?.stop();
  if (dir && process.env.E2E_KEEP !== '1') fs.rmSync(dir, { recursive: true, force: true });
  log('verdaccio stopped');
});

describe('published through nx release', () => {
  test('A then B go to the registry; the tarball holds the package and nothing of the tests', async () => {
    // A: the old plugin sources under this repository's release flow.
    await clone.git(['rm', '-rq', 'packages/rust-perf/src']);
    await clone.git(['checkout', A_COMMIT, '--', ...PKG_DIRS]);
    await clone.git(['commit', '-qm', `rust-perf as of ${A_COMMIT.slice(0, 7)}: init --cpu native by default`]);
    const a = await clone.release(A);
    expect(a.stdout).toContain(`published rust-perf@${A}`);
    // B: this working tree, released on top of A's tag.
    await clone.git(['rm', '-rq', 'packages/rust-perf']);
    await clone.git(['checkout', clone.head, '--', 'packages/rust-perf']);
    const manifest = path.join(clone.root, 'packages/rust-perf/package.json');
    fs.writeFileSync(manifest, fs.readFileSync(manifest, 'utf8').replace(/"version": "[^"]+"/, `"version": "${A}"`));
    await clone.git(['add', '-A']);
    await clone.git(['commit', '-qm', 'feat: portable init, migrations']);
    const b = await clone.release(B);
    expect(b.stdout).toContain(`published rust-perf@${B}`);
    expect((await clone.git(['tag', '-l', 'rust-perf@*'])).stdout.split('\n').filter(Boolean)).toEqual([`rust-perf@${A}`, `rust-perf@${B}`]);
    expect(fs.readFileSync(path.join(clone.root, 'packages/rust-perf/CHANGELOG.md'), 'utf8')).toContain(B);
    log(`published ${A} and ${B} with nx release`);

    const view = JSON.parse((await must('npm', ['view', 'rust-perf', '--json', '--registry', registry.url], dir)).stdout) as { versions: string[]; 'dist-tags': { latest: string }; dependencies: Record<string, string>; peerDependencies: Record<string, string> };
    expect(view.versions).toEqual([A, B]);
    expect(view['dist-tags'].latest).toBe(B);
    expect(view.peerDependencies).toEqual({ nx: '>=22.0.0 <25.0.0' });

    // The published tarball, as the registry serves it.
    const [packed] = JSON.parse((await must('npm', ['pack', `rust-perf@${B}`, '--dry-run', '--json', '--registry', registry.url], dir)).stdout) as Array<{ size: number; unpackedSize: number; entryCount: number; files: { path: string }[] }>;
    const files = packed.files.map((f) => f.path);
    for (const f of ['package.json', 'LICENSE', 'README.md', 'docs/install.md', 'bin/rust-perf.js', 'generators.json', 'executors.json', 'migrations.json', 'dist/index.js', 'dist/index.d.ts']) expect(files).toContain(f);
    // Every file the manifests point at is in it: generator factories and schemas, executors, migrations.
    const manifests = ['generators.json', 'executors.json', 'migrations.json'].map((m) => JSON.parse(fs.readFileSync(path.join(clone.root, 'packages/rust-perf', m), 'utf8')) as { generators?: Record<string, Record<string, string>>; executors?: Record<string, Record<string, string>> });
    const pointed = manifests.flatMap((m) => Object.values({ ...m.generators, ...m.executors }).flatMap((e) => [e.factory, e.implementation, e.schema].filter(Boolean)));
    expect(pointed.length).toBeGreaterThan(25);
    for (const p of pointed) expect(files).toContain(path.posix.normalize(p.endsWith('.json') ? p : `${p}.js`));
    expect(files.filter((f) => /\.spec\.|__fixtures__|fixture|catalogue|\.map$|(^|\/)src\/|jest|tsconfig/.test(f))).toEqual([]);
    // Compiled once by tsc, no per-executor bundles: the package stays a few hundred kB.
    expect(packed.size).toBeLessThanOrEqual(400 * 1024);
    const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
    log(`rust-perf@${B} tarball: ${packed.entryCount} files, ${kb(packed.size)} packed, ${kb(packed.unpackedSize)} unpacked, ${Object.keys(view.dependencies).length} runtime dependencies (${Object.keys(view.dependencies).join(', ')}), peer nx ${view.peerDependencies.nx}`);
  });
});

describe('installed from the registry', () => {
  test('npm: nx add rust-perf, nx show projects, nx run market-data:build-release (then a cache hit)', async () => {
    const ws = await userWorkspace(dir, 'npm-repo', { ...npmrc(), ...nxJson });
    await ws.exec('npm', ['install', '--no-audit', '--no-fund', '--save-dev', 'nx@24.0.6']);
    const add = await ws.exec('npx', ['nx', 'add', 'rust-perf']);
    // A portable default init has no rustflags to write: no linker unless --linker, no CPU unless --cpu.
    expect(add.stdout).toMatch(/rust-perf: init updated rust\/Cargo\.toml, nx\.json/);
    expect(ws.exists('rust/.cargo/config.toml')).toBe(false);
    expect(JSON.parse(ws.read('node_modules/rust-perf/package.json')).version).toBe(B);
    expect(JSON.parse(ws.read('package.json')).devDependencies['rust-perf']).toMatch(new RegExp(`^\\^?${B.replace(/\./g, '\\.')}$`));
    expect(ws.read('rust/Cargo.toml')).toMatch(/\[profile\.release\][^[]*codegen-units = 1/);
    expect(JSON.parse(ws.read('nx.json')).plugins).toContain('rust-perf');
    log('npm: nx add rust-perf installed and ran init');

    expect(projects((await ws.exec('npx', ['nx', 'show', 'projects', '--json'])).stdout)).toEqual(CRATES);
    const first = await ws.exec('npx', ['nx', 'run', 'market-data:build-release']);
    expect(first.stdout).not.toMatch(CACHED);
    expect(fs.statSync(path.join(ws.root, 'dist/rust/market-data/release/market-data')).mode & 0o111).toBeGreaterThan(0);
    const second = await ws.exec('npx', ['nx', 'run', 'market-data:build-release']);
    expect(second.stdout).toMatch(CACHED);
    log('npm: build-release built market-data, the second run was a cache hit');

    // What installing rust-perf adds on top of nx: its dependency tree, deduplicated as npm installed it.
    const tree = JSON.parse((await ws.exec('npm', ['ls', '--all', '--json'])).stdout) as NpmTree;
    const nxTree = collect(tree.dependencies!.nx, 'nx');
    const own = [...collect(tree.dependencies!['rust-perf'])].filter((p) => !p.startsWith('rust-perf@') && !nxTree.has(p));
    log(`npm: rust-perf brings ${own.length} packages that nx does not already (${own.join(', ')})`);
  });

  test('pnpm workspace, strict layout: pnpm add -D rust-perf, init, graph, build, bench', async () => {
    const ws = await userWorkspace(dir, 'pnpm-repo', {
      'pnpm-workspace.yaml': 'packages:\n  - "packages/*"\n',
      '.npmrc': `registry=${registry.url}\nstore-dir=${path.join(dir, 'pnpm-store')}\n`,
      ...nxJson,
    });
    await ws.exec('pnpm', ['add', '-D', 'nx@24.0.6']);
    await ws.exec('pnpm', ['add', '-D', 'rust-perf']);
    // Strict: rust-perf is a link into the store and its own dependencies are not hoisted to the root.
    expect(fs.realpathSync(path.join(ws.root, 'node_modules/rust-perf'))).toContain(`${path.sep}.pnpm${path.sep}rust-perf@${B}`);
    expect(ws.exists('node_modules/execa')).toBe(false);
    expect(ws.exists('node_modules/@nx/devkit')).toBe(false);
    const init = await ws.exec('pnpm', ['nx', 'g', 'rust-perf:init', '--no-interactive']);
    expect(init.stdout).toMatch(/rust-perf: init updated rust\/Cargo\.toml/);
    expect(ws.read('rust/Cargo.toml')).toMatch(/\[profile\.release\][^[]*codegen-units = 1/);
    await ws.exec('pnpm', ['nx', 'graph', '--file=graph.json']);
    const graph = JSON.parse(ws.read('graph.json')) as { graph: { nodes: Record<string, unknown>; dependencies: Record<string, Array<{ target: string }>> } };
    expect(Object.keys(graph.graph.nodes).sort()).toEqual(CRATES);
    expect(graph.graph.dependencies['market-data'].map((d) => d.target)).toEqual(['common']);
    const bench = await ws.exec('pnpm', ['nx', 'run', 'common:bench', '--warmUpTime=0.1', '--measurementTime=0.2', '--sampleSize=10']);
    expect(bench.stdout + bench.stderr).toMatch(/done \S+: median/);
    const summary = JSON.parse(ws.read('dist/bench/common/summary.json')) as { benchmarks: { median: { estimate: number } }[] };
    expect(summary.benchmarks.length).toBeGreaterThan(0);
    for (const b of summary.benchmarks) expect(b.median.estimate).toBeGreaterThan(0);
    log(`pnpm: init, graph and bench (${summary.benchmarks.length} benchmarks) ran`);
    // The workflow's build line builds the touched crate for real (it must not be a cache hit).
    await workflowMatches(ws, (a) => ['pnpm', a], ['pnpm install --frozen-lockfile'], 'pnpm exec nx');
    log(`pnpm: ci-workflow installs with pnpm and its build line built the touched crate (${PROBE}:build-release)`);
  });

  test('yarn 4, nodeLinker node-modules: yarn add -D rust-perf, init, projects, the workflow\'s build and a cache hit', async () => {
    const ws = await userWorkspace(dir, 'yarn-repo', { '.yarnrc.yml': yarnrc('node-modules'), ...nxJson });
    await ws.exec('yarn', ['add', '-D', 'nx@24.0.6', 'rust-perf']);
    expect(JSON.parse(ws.read('node_modules/rust-perf/package.json')).version).toBe(B);
    await ws.exec('yarn', ['nx', 'g', 'rust-perf:init', '--no-interactive']);
    expect(JSON.parse(ws.read('nx.json')).plugins).toContain('rust-perf');
    expect(projects((await ws.exec('yarn', ['nx', 'show', 'projects', '--json'])).stdout)).toEqual(CRATES);
    log('yarn node-modules: init and projects');
    // The workflow's build line builds the touched crate, then yarn nx run hits that cache entry.
    await workflowMatches(ws, (a) => ['yarn', a], ['corepack enable', 'yarn install --immutable'], 'yarn nx');
    log(`yarn node-modules: ci-workflow installs with yarn and its build line built the touched crate (${PROBE}:build-release)`);
    expect((await ws.exec('yarn', ['nx', 'run', `${PROBE}:build-release`])).stdout).toMatch(CACHED);
    log('yarn node-modules: build-release again is a cache hit');
  });

  test('yarn 4 with Plug\'n\'Play: init, inference and an executor load from the zip cache', async () => {
    const ws = await userWorkspace(dir, 'yarn-pnp-repo', { '.yarnrc.yml': yarnrc('pnp'), ...nxJson });
    await ws.exec('yarn', ['add', '-D', 'nx@24.0.6', 'rust-perf']);
    expect(ws.exists('.pnp.cjs')).toBe(true);
    expect(ws.exists('node_modules/rust-perf')).toBe(false);
    const init = await ws.exec('yarn', ['nx', 'g', 'rust-perf:init', '--no-interactive']);
    expect(init.stdout).toMatch(/rust-perf: init updated/);
    expect(projects((await ws.exec('yarn', ['nx', 'show', 'projects', '--json'])).stdout)).toEqual(CRATES);
    const doctor = await ws.exec('yarn', ['nx', 'run', 'common:doctor']);
    expect(doctor.stdout).toMatch(/\d+ passed, \d+ warnings?, 0 failed/);
    log('yarn PnP: init, projects and the doctor executor work');
  });
});

describe('upgrades and the peer range', () => {
  test(`nx migrate rust-perf@${B} in a workspace made on ${A} changes exactly what the migration says`, async () => {
    const ws = await userWorkspace(dir, 'migrate-repo', { ...npmrc(), ...nxJson });
    await ws.exec('npm', ['install', '--no-audit', '--no-fund', '--save-dev', 'nx@24.0.6', `rust-perf@${A}`]);
    await ws.exec('npx', ['nx', 'g', 'rust-perf:init', '--no-interactive']);
    const before = ws.read('rust/.cargo/config.toml');
    expect(before).toMatch(/"target-cpu=native"/);
    await ws.exec('git', ['add', '-A']);
    await ws.exec('git', ['commit', '-qm', `made on rust-perf ${A}`], { env: gitEnv });

    // Both nx migrate steps check nx@latest's npm provenance, which a registry proxy such as Verdaccio
    // does not serve ("No attestation URL found"); Nx's own switch for private registries turns that off.
    const migrateEnv = { env: { NX_SKIP_PROVENANCE_CHECK: 'true' } };
    await ws.exec('npx', ['nx', 'migrate', `rust-perf@${B}`], migrateEnv);
    const planned = JSON.parse(ws.read('migrations.json')) as { migrations: Array<{ package: string; name: string; version: string }> };
    expect(planned.migrations).toEqual([expect.objectContaining({ package: 'rust-perf', name: 'portable-cargo-config', version: '0.1.0' })]);
    await ws.exec('npm', ['install', '--no-audit', '--no-fund']);
    const ran = await ws.exec('npx', ['nx', 'migrate', '--run-migrations'], migrateEnv);
    expect(ran.stdout).toMatch(/removed -C target-cpu=native from rust\/\.cargo\/config\.toml/);

    const changed = (await ws.exec('git', ['status', '--porcelain'])).stdout.split('\n').filter(Boolean).map((l) => l.slice(3)).sort();
    expect(changed).toEqual(['migrations.json', 'package-lock.json', 'package.json', 'rust/.cargo/config.toml']);
    const after = ws.read('rust/.cargo/config.toml');
    expect(after).not.toMatch(/target-cpu/);
    // The linker init proved stays exactly as it was.
    const linker = (t: string) => t.match(/"link-arg=-fuse-ld=\w+"/g) ?? [];
    expect(linker(after)).toEqual([...new Set(linker(before))]);
    log(`nx migrate ${A} → ${B}: only rust/.cargo/config.toml changed besides the package files (${before.split('\n').length} → ${after.split('\n').length} lines)`);
  });

  test('Nx 22 and 23 install rust-perf from the registry and infer the crates', async () => {
    for (const nx of ['nx@22.7.12', 'nx@23.3.2']) {
      const ws = await userWorkspace(dir, `${nx.replace('@', '-')}-repo`, { ...npmrc(), ...nxJson });
      await ws.exec('npm', ['install', '--no-audit', '--no-fund', '--save-dev', nx, 'rust-perf']);
      const init = await ws.exec('npx', ['nx', 'g', 'rust-perf:init', '--no-interactive']);
      expect(ws.read('rust/Cargo.toml')).toMatch(/\[profile\.release\][^[]*codegen-units = 1/);
      // npm gives Nx 22 the newest @nx/devkit (24), whose tree walk needs Nx 23: the root search says so and still finds the root.
      if (nx.startsWith('nx@22')) expect(init.stdout + init.stderr).toMatch(/cannot apply \.gitignore\/\.nxignore[\s\S]*npm install -D @nx\/devkit@/);
      expect(projects((await ws.exec('npx', ['nx', 'show', 'projects', '--json'])).stdout)).toEqual(CRATES);
      log(`${nx}: installed, init ran, crates inferred`);
    }
  });

  test('an Nx outside the peer range: npm refuses the install; forced, init says which Nx is supported', async () => {
    const ws = await userWorkspace(dir, 'nx-unsupported-repo', { ...npmrc(), ...nxJson });
    const refused = await ws.exec('npm', ['install', '--no-audit', '--no-fund', '--save-dev', `nx@${UNSUPPORTED_NX}`, 'rust-perf'], { allowFailure: true });
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toMatch(/ERESOLVE[\s\S]*peer nx@">=22\.0\.0 <25\.0\.0" from rust-perf@0\.1\.0/);
    await ws.exec('npm', ['install', '--no-audit', '--no-fund', '--legacy-peer-deps', '--save-dev', `nx@${UNSUPPORTED_NX}`, 'rust-perf']);
    const manifest = ws.read('rust/Cargo.toml');
    const init = await ws.exec('npx', ['nx', 'g', 'rust-perf:init', '--no-interactive'], { allowFailure: true });
    expect(init.exitCode).not.toBe(0);
    const out = init.stdout + init.stderr;
    expect(out).toContain(`rust-perf ${B} supports Nx 22, 23 or 24 (peerDependencies nx ">=22.0.0 <25.0.0"); this workspace runs nx ${UNSUPPORTED_NX}`);
    expect(out).not.toMatch(/Cannot find module|^\s+at /m);
    expect(ws.read('rust/Cargo.toml')).toBe(manifest);
    // The inference plugin, loaded by any nx command once registered, says the same.
    ws.write('nx.json', JSON.stringify({ plugins: ['rust-perf'] }, null, 2) + '\n');
    const show = await ws.exec('npx', ['nx', 'show', 'projects'], { allowFailure: true });
    expect(show.stdout + show.stderr).toContain(`rust-perf ${B} supports Nx 22, 23 or 24`);
    log(`nx ${UNSUPPORTED_NX}: npm ERESOLVE on the peer range; forced, init and the inference plugin stop with the supported range`);
  });

  test('the real repository got no version, tag or changelog', async () => {
    expect(await repoSnapshot()).toBe(repoState);
  });
});

interface NpmTree {
  version?: string;
  dependencies?: Record<string, NpmTree>;
}

/** name@version of a package and everything below it in `npm ls --all --json`. */
function collect(node: NpmTree | undefined, name = '', out = new Set<string>()): Set<string> {
  if (!node) return out;
  if (name) out.add(`${name}@${node.version}`);
  for (const [n, child] of Object.entries(node.dependencies ?? {})) collect(child, n, out);
  return out;
}
