import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AggregateCreateNodesError } from '@nx/devkit';
import type { CreateDependenciesContext, CreateNodesContext, ProjectConfiguration } from '@nx/devkit';
import { createNodes, createNodesV2 } from './nodes';
import { createDependencies, edgesCachePath } from './dependencies';
import { loadCargoModel, cacheFilePath } from './cargo-model';
import { normalizeOptions } from './options';
import type { RustPerfPluginOptions } from './options';
import { HOST_CPU_INPUT } from './crate-inputs';

// A small Nx repo with the trading workspace's shape under rust/, written to a temp folder.
const FILES: Record<string, string> = {
  'rust/Cargo.toml': `[workspace]
members = ["common", "market-data", "execution-engine", "tools/*"]
exclude = ["tools/scratch"]
resolver = "2"

[workspace.dependencies]
common = { path = "common" }
serde = "1"

[profile.production]
inherits = "release"
lto = "fat"
`,
  'rust/common/Cargo.toml': `[package]
name = "common"
version = "0.1.0"
description = "Shared types"

[dependencies]
serde = { workspace = true }

[[bench]]
name = "codec_bench"
harness = false
`,
  'rust/common/src/lib.rs': '',
  'rust/common/benches/codec_bench.rs': '',
  'rust/market-data/Cargo.toml': `[package]
name = "market-data"
version = "0.1.0"

[dependencies]
common = { workspace = true }

[[bin]]
name = "market-data"
path = "src/main.rs"

[[bench]]
name = "orderbook_bench"
harness = false

[package.metadata.rust-perf]
workload = [{ bin = "market-data", args = ["--synthetic", "2000000"] }]
`,
  'rust/market-data/src/main.rs': '',
  'rust/market-data/src/lib.rs': '',
  'rust/market-data/benches/orderbook_bench.rs': 'criterion_main!(benches);\n',
  'rust/execution-engine/Cargo.toml': `[package]
name = "execution-engine"
version = "0.1.0"

[dependencies]
common = { path = "../common" }

[dev-dependencies]
md = { path = "../market-data", package = "market-data" }
`,
  'rust/execution-engine/src/main.rs': '',
  'rust/tools/scratch/Cargo.toml': '[package]\nname = "scratch"\nversion = "0.1.0"\n',
  'rust/tools/scratch/src/lib.rs': '',
  'rust/tools/derive/Cargo.toml': '[package]\nname = "derive"\nversion = "0.1.0"\n\n[lib]\nproc-macro = true\n',
  'rust/tools/derive/src/lib.rs': '',
  'rust/target/release/build/foo/Cargo.toml': 'not toml [',
  // The installed plugin's CLI, which the cpu-key runtime input runs.
  'node_modules/rust-perf/bin/rust-perf.js': '',
};

let root: string;
let dataDir: string;
const savedDataDir = process.env.NX_WORKSPACE_DATA_DIRECTORY;

function write(rel: string, text: string) {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}
const manifests = () => Object.keys(FILES).filter((f) => f.endsWith('Cargo.toml'));
const context = (): CreateNodesContext => ({ workspaceRoot: root, nxJsonConfiguration: {} });

async function inferProjects(files = manifests(), options?: RustPerfPluginOptions) {
  const results = await createNodesV2[1](files, options, context());
  return Object.fromEntries(
    results.flatMap(([file, r]) => Object.entries(r.projects ?? {}).map(([projectRoot, p]) => [p.name as string, { file, root: projectRoot, ...p }])),
  );
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'rust-perf-nodes-'));
  dataDir = join(root, '.nx', 'workspace-data');
  process.env.NX_WORKSPACE_DATA_DIRECTORY = dataDir;
  for (const [rel, text] of Object.entries(FILES)) write(rel, text);
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  if (savedDataDir === undefined) delete process.env.NX_WORKSPACE_DATA_DIRECTORY;
  else process.env.NX_WORKSPACE_DATA_DIRECTORY = savedDataDir;
});

describe('createNodes', () => {
  it('is the same v2 tuple under both export names, on **/Cargo.toml', () => {
    expect(createNodes[0]).toBe('**/Cargo.toml');
    expect(createNodesV2).toBe(createNodes);
  });

  it('makes each workspace member and standalone crate a project named after its package; skips target/', async () => {
    const projects = await inferProjects();
    expect(Object.values(projects).map((p) => [p.name, p.root, p.file, (p.targets?.doctor?.options as { cargoRoot: string }).cargoRoot])).toEqual([
      ['common', 'rust/common', 'rust/common/Cargo.toml', 'rust'],
      ['execution-engine', 'rust/execution-engine', 'rust/execution-engine/Cargo.toml', 'rust'],
      ['market-data', 'rust/market-data', 'rust/market-data/Cargo.toml', 'rust'],
      ['derive', 'rust/tools/derive', 'rust/tools/derive/Cargo.toml', 'rust'],
    ]);
  });

  it('[infer-excluded-crate] leaves out a crate in [workspace] exclude unless includeExcluded is set (then it is its own cargo root)', async () => {
    expect(Object.keys(await inferProjects())).not.toContain('scratch');
    const scratch = (await inferProjects(manifests(), { includeExcluded: true })).scratch;
    expect([scratch.root, (scratch.targets?.doctor?.options as { cargoRoot: string }).cargoRoot]).toEqual(['rust/tools/scratch', 'rust/tools/scratch']);
    await expect(inferProjects(manifests(), { includeExcluded: 'yes' as unknown as boolean })).rejects.toThrow('rust-perf plugin option includeExcluded must be true or false');
  });

  it('gives a crate with a binary and benches every target, with exact options, inputs and outputs', async () => {
    const md = (await inferProjects())['market-data'];
    const targets = md.targets ?? {};
    expect(Object.keys(targets)).toEqual(['build-release', 'build-native', 'pgo-profile', 'build-pgo', 'bench', 'bench--orderbook_bench', 'bench-ci', 'flamegraph', 'perf-report', 'bolt-profile', 'build-bolt', 'doctor']);
    expect(md.projectType).toBe('application');
    expect(md.namedInputs).toEqual({
      rustSources: ['{projectRoot}/**/*', '!{projectRoot}/**/*.md', '!{projectRoot}/target/**'],
      rustWorkspace: [
        '{workspaceRoot}/rust/Cargo.toml',
        '{workspaceRoot}/rust/Cargo.lock',
        '{workspaceRoot}/rust/.cargo/config.toml',
        '{workspaceRoot}/rust/.cargo/config',
        '{workspaceRoot}/rust/rust-toolchain',
        '{workspaceRoot}/rust/rust-toolchain.toml',
        // cargo and rustup also read the folders above the Cargo root.
        '{workspaceRoot}/.cargo/config.toml',
        '{workspaceRoot}/.cargo/config',
        '{workspaceRoot}/rust-toolchain',
        '{workspaceRoot}/rust-toolchain.toml',
        // Cargo.lock's content, also when git ignores it (Nx hashes only tracked files).
        { runtime: 'node node_modules/rust-perf/bin/rust-perf.js lock-hash rust' },
        { runtime: 'rustc -vV' },
        { env: 'RUSTFLAGS' },
        { env: 'CARGO_ENCODED_RUSTFLAGS' },
      ],
      // What a crate that depends on market-data is built from: not its bench files.
      rustDependencySources: ['{projectRoot}/**/*', '!{projectRoot}/**/*.md', '!{projectRoot}/target/**', '!{projectRoot}/benches/orderbook_bench.rs'],
    });
    const summary = Object.fromEntries(
      Object.entries(targets).map(([name, t]) => [name, { executor: t.executor, cache: t.cache, options: t.options, inputs: t.inputs, outputs: t.outputs, dependsOn: t.dependsOn, parallelism: t.parallelism }]),
    );
    const base = ['rustSources', '^rustSources', 'rustWorkspace'];
    const cpuKey = { runtime: 'node node_modules/rust-perf/bin/rust-perf.js cpu-key rust' };
    const boltVersion = { runtime: 'node node_modules/rust-perf/bin/rust-perf.js bolt-version rust' };
    const outputs = ['{options.outputPath}'];
    const opts = { cargoRoot: 'rust', package: 'market-data' };
    expect(summary).toEqual({
      'build-release': { executor: 'rust-perf:build-release', cache: true, options: { ...opts, profile: 'release', outputPath: 'dist/rust/market-data/release' }, inputs: [...base, cpuKey], outputs, dependsOn: undefined },
      'build-native': {
        executor: 'rust-perf:build-native',
        cache: true,
        options: { ...opts, profile: 'release', outputPath: 'dist/rust/market-data/native' },
        inputs: [...base, { runtime: 'rustc -C target-cpu=native --print cfg --print target-cpus' }],
        outputs,
        dependsOn: undefined,
      },
      'pgo-profile': {
        executor: 'rust-perf:pgo-profile',
        cache: true,
        options: { ...opts, profile: 'production', workload: [{ bin: 'market-data', args: ['--synthetic', '2000000'] }], outputPath: 'dist/pgo/market-data' },
        inputs: [...base, cpuKey],
        outputs,
        dependsOn: undefined,
      },
      'build-pgo': {
        executor: 'rust-perf:build-pgo',
        cache: true,
        options: { ...opts, profile: 'production', profdata: 'dist/pgo/market-data/market-data.profdata', outputPath: 'dist/rust/market-data/pgo' },
        inputs: [...base, cpuKey, { dependentTasksOutputFiles: '**/*.profdata' }],
        outputs,
        dependsOn: ['pgo-profile'],
      },
      bench: { executor: 'rust-perf:bench', cache: false, options: { ...opts, benches: ['orderbook_bench'], outputPath: 'dist/bench/market-data' }, inputs: base, outputs, dependsOn: undefined, parallelism: false },
      'bench--orderbook_bench': {
        executor: 'rust-perf:bench',
        cache: true,
        options: { ...opts, benches: ['orderbook_bench'], outputPath: 'dist/bench-ci/market-data/orderbook_bench' },
        inputs: ['{projectRoot}/**/*', '!{projectRoot}/**/*.md', '!{projectRoot}/target/**', '^rustDependencySources', 'rustWorkspace', cpuKey, { runtime: 'node node_modules/rust-perf/bin/rust-perf.js compare-refs' }],
        outputs,
        dependsOn: undefined,
        parallelism: false,
      },
      'bench-ci': {
        executor: 'nx:noop',
        cache: true,
        options: undefined,
        inputs: undefined,
        outputs: undefined,
        dependsOn: [{ target: 'bench--orderbook_bench', params: 'forward' }],
        parallelism: undefined,
      },
      flamegraph: { executor: 'rust-perf:flamegraph', cache: false, options: { ...opts, bin: 'market-data', outputPath: 'dist/flamegraph/market-data' }, inputs: base, outputs, dependsOn: undefined },
      'perf-report': {
        executor: 'rust-perf:perf-report',
        cache: false,
        options: { ...opts, pgoProfile: 'production', profdata: 'dist/pgo/market-data/market-data.profdata', outputPath: 'dist/perf-report/market-data' },
        inputs: base,
        outputs,
        // perf-report runs the builds of the configurations asked for itself (through Nx, so they stay cached).
        dependsOn: undefined,
      },
      'bolt-profile': {
        executor: 'rust-perf:bolt-profile',
        cache: true,
        options: { ...opts, profile: 'production', profdata: 'dist/pgo/market-data/market-data.profdata', workload: [{ bin: 'market-data', args: ['--synthetic', '2000000'] }], outputPath: 'dist/bolt/market-data' },
        inputs: [...base, cpuKey, boltVersion, { env: 'LLVM_BOLT' }, { dependentTasksOutputFiles: '**/*.profdata' }],
        outputs,
        dependsOn: ['pgo-profile'],
      },
      'build-bolt': {
        executor: 'rust-perf:build-bolt',
        cache: true,
        options: { ...opts, profileDir: 'dist/bolt/market-data', outputPath: 'dist/rust/market-data/bolt' },
        inputs: [...base, cpuKey, boltVersion, { env: 'LLVM_BOLT' }, { dependentTasksOutputFiles: '**/*.fdata' }, { dependentTasksOutputFiles: '**/relocs/*' }],
        outputs,
        dependsOn: ['bolt-profile'],
      },
      doctor: { executor: 'rust-perf:doctor', cache: false, options: { cargoRoot: 'rust' }, inputs: undefined, outputs: undefined, dependsOn: undefined },
    });
    for (const [name, t] of Object.entries(targets)) {
      expect(t.metadata?.description).toEqual(expect.any(String));
      // The atomized benches stay lean (Nx's cost grows with every key); bench-ci carries technologies and help.
      if (name.startsWith('bench--')) continue;
      expect(t.metadata?.technologies).toEqual(['rust']);
      expect(t.metadata?.description).toEqual(expect.any(String));
      expect(t.metadata?.help?.command).toMatch(/^npx nx run market-data:[a-z_-]+ --help$/);
    }
  });

  it.each([
    ['[infer-library-no-pgo] a lib-only crate with benches: bench and a flamegraph of its first bench, no PGO', 'common', ['build-release', 'build-native', 'bench', 'bench--codec_bench', 'bench-ci', 'flamegraph', 'doctor'], { bench: 'codec_bench' }],
    ['a binary crate without benches: no bench target', 'execution-engine', ['build-release', 'build-native', 'pgo-profile', 'build-pgo', 'flamegraph', 'perf-report', 'bolt-profile', 'build-bolt', 'doctor'], { bin: 'execution-engine' }],
    ['a lib-only crate without benches: neither bench nor flamegraph nor PGO', 'scratch', ['build-release', 'build-native', 'doctor'], undefined],
    ['[infer-proc-macro] a proc-macro crate: no build targets at all', 'derive', ['doctor'], undefined],
  ])('%s', async (_case, name, targetNames, flamegraphSubject) => {
    const project = (await inferProjects(manifests(), { includeExcluded: true }))[name];
    expect(Object.keys(project.targets ?? {})).toEqual(targetNames);
    const options = project.targets?.flamegraph?.options as Record<string, unknown> | undefined;
    if (flamegraphSubject) expect(options).toMatchObject(flamegraphSubject);
  });

  it('[infer-library-no-pgo] explains in the metadata where a library\'s PGO happens, naming the binaries that link it', async () => {
    const projects = await inferProjects();
    // market-data and execution-engine both depend on common (normal dependencies); dev-dependencies do not count.
    expect(projects.common.metadata?.['rust-perf']).toEqual({
      notes: [
        'common is a library: no pgo-profile/build-pgo, as PGO optimizes a program and its own build links none. ' +
          'Its PGO happens through the binaries that use it: `nx run execution-engine:build-pgo` optimizes its code as part of execution-engine (also linked by market-data). ' +
          'To profile it directly, give it a workload = [{ command = [...] }].',
      ],
    });
    expect(projects.derive.metadata?.['rust-perf']?.notes).toEqual([expect.stringContaining('derive is a proc-macro:')]);
    expect(projects['market-data'].metadata?.['rust-perf']).toBeUndefined();
  });

  it('[infer-library-no-pgo] gives a library PGO targets when its workload names a command', async () => {
    write('rust/common/Cargo.toml', FILES['rust/common/Cargo.toml'] + '\n[package.metadata.rust-perf]\nworkload = [{ command = ["cargo", "run", "-p", "market-data", "--release"] }]\n');
    const common = (await inferProjects()).common;
    expect(Object.keys(common.targets ?? {})).toEqual(['build-release', 'build-native', 'pgo-profile', 'build-pgo', 'bench', 'bench--codec_bench', 'bench-ci', 'flamegraph', 'doctor']);
    expect(common.metadata?.['rust-perf']).toBeUndefined();
  });

  it('[infer-root-crate-outputs] a root crate\'s sources are what its compile reads: not .github/, docs, package.json, nx.json, output folders or other Cargo roots', async () => {
    write('Cargo.toml', '[package]\nname = "rootapp"\nversion = "0.1.0"\nbuild = "tools/gen.rs"\n\n[lib]\npath = "lib.rs"\n\n[workspace]\nmembers = ["crates/lib"]\n');
    write('src/main.rs', '');
    write('crates/lib/Cargo.toml', '[package]\nname = "lib"\nversion = "0.1.0"\n');
    // A separate Cargo root inside the root crate's benches/ (rand's layout): its own project, not rootapp's input.
    write('benches/Cargo.toml', '[package]\nname = "benches"\nversion = "0.1.0"\n\n[workspace]\n');
    const files = ['Cargo.toml', 'benches/Cargo.toml', 'crates/lib/Cargo.toml'];
    const sources = async (options?: RustPerfPluginOptions, nxJson: CreateNodesContext['nxJsonConfiguration'] = {}) => {
      const results = await createNodesV2[1](files, options, { workspaceRoot: root, nxJsonConfiguration: nxJson });
      return Object.fromEntries(results.flatMap(([, r]) => Object.entries(r.projects ?? {}).map(([projectRoot, p]) => [projectRoot, p.namedInputs?.rustSources])));
    };
    const listed = ['{projectRoot}/src/**/*', '{projectRoot}/benches/**/*', '{projectRoot}/examples/**/*', '{projectRoot}/tests/**/*', '{projectRoot}/build.rs'];
    expect(await sources()).toEqual({
      '.': [...listed, '{projectRoot}/*.rs', '{projectRoot}/tools/**/*', '!{projectRoot}/**/*.md', '!{projectRoot}/benches/**'],
      // benches/ is a Cargo root of its own, at its own root: the same listing.
      benches: [...listed, '!{projectRoot}/**/*.md'],
      // A member's folder is its own: all of it, without cargo's and the targets' output.
      'crates/lib': ['{projectRoot}/**/*', '!{projectRoot}/**/*.md', '!{projectRoot}/target/**'],
    });
    // An output folder inside a listed folder is still left out; one outside it needs nothing.
    const moved = await sources({ outputRoot: 'out/perf' }, {
      targetDefaults: { 'build-release': { options: { outputPath: 'crates/lib/artifacts' } }, 'rust-perf:bench': [{ options: { outputPath: './examples/reports/' } }] },
    });
    expect(moved['.']?.slice(7)).toEqual(['!{projectRoot}/**/*.md', '!{projectRoot}/benches/**', '!{projectRoot}/examples/reports/**']);
    expect(moved['crates/lib']?.slice(3)).toEqual(['!{projectRoot}/artifacts/**']);
    await expect(sources({ outputRoot: '../elsewhere' })).rejects.toThrow('rust-perf plugin option outputRoot must be a folder inside the workspace');
  });

  it('[infer-native-cpu-key] keys cached builds on cpu-key for their cargo root, and on the CPU itself when targetDefaults ask for native', async () => {
    const md = (await inferProjects())['market-data'];
    const runtimeInputs = (t: string) => (md.targets?.[t]?.inputs ?? []).filter((i) => typeof i === 'object' && 'runtime' in i);
    expect(runtimeInputs('build-release')).toEqual([{ runtime: 'node node_modules/rust-perf/bin/rust-perf.js cpu-key rust' }]);
    expect(runtimeInputs('build-native')).toEqual([{ runtime: HOST_CPU_INPUT }]);
    expect(runtimeInputs('bench')).toEqual([]);
    const results = await createNodesV2[1](manifests(), undefined, { workspaceRoot: root, nxJsonConfiguration: { targetDefaults: { 'rust-perf:build-pgo': { options: { cpu: 'native' } } } } });
    const withDefaults = results.flatMap(([, r]) => Object.values(r.projects ?? {})).find((p) => p.name === 'market-data');
    expect((withDefaults?.targets?.['build-pgo']?.inputs ?? []).filter((i) => typeof i === 'object' && 'runtime' in i)).toEqual([{ runtime: HOST_CPU_INPUT }]);
    // build-native's key is unchanged by the move of its command into core/cargo/cpu-key.
    expect(HOST_CPU_INPUT).toBe('rustc -C target-cpu=native --print cfg --print target-cpus');
  });

  it('renames targets from the plugin options (dependsOn follows)', async () => {
    const md = (await inferProjects(manifests(), { buildPgoTargetName: 'pgo', pgoProfileTargetName: 'profile', benchTargetName: 'criterion', boltProfileTargetName: 'bolt-fdata', buildBoltTargetName: 'bolt' }))['market-data'];
    expect(Object.keys(md.targets ?? {})).toEqual(['build-release', 'build-native', 'profile', 'pgo', 'criterion', 'criterion--orderbook_bench', 'bench-ci', 'flamegraph', 'perf-report', 'bolt-fdata', 'bolt', 'doctor']);
    expect(md.targets?.['bench-ci'].metadata?.['rust-perf']).toEqual({ nonAtomizedTarget: 'criterion' });
    // The bench's kind, detected from its source (criterion_main!), beside which target it was atomized from.
    expect(md.targets?.['criterion--orderbook_bench'].metadata?.['rust-perf']).toEqual({ atomizedFrom: 'criterion', kind: 'criterion' });
    expect(md.targets?.pgo.dependsOn).toEqual(['profile']);
    expect(md.targets?.['bolt-fdata'].dependsOn).toEqual(['profile']);
    expect(md.targets?.bolt.dependsOn).toEqual(['bolt-fdata']);
  });

  it('[infer-atomized-benches] lists every bench of a crate as its own target in the bench group, and none with atomizeBenches: false', async () => {
    write('rust/market-data/benches/depth_bench.rs', '');
    const md = (await inferProjects())['market-data'];
    expect(md.metadata?.targetGroups).toEqual({ 'Bench (CI)': ['bench-ci', 'bench--orderbook_bench', 'bench--depth_bench'] });
    expect(md.targets?.['bench--depth_bench'].inputs).toContain('!{projectRoot}/benches/orderbook_bench.rs');
    const off = (await inferProjects(manifests(), { atomizeBenches: false }))['market-data'];
    expect(Object.keys(off.targets ?? {}).filter((t) => t.startsWith('bench'))).toEqual(['bench']);
    expect(off.metadata?.targetGroups).toBeUndefined();
  });

  it('rejects option values that would make two targets share a name', async () => {
    await expect(inferProjects(manifests(), { benchTargetName: 'flamegraph' })).rejects.toThrow('rust-perf plugin options name two targets "flamegraph"');
  });

  it('reports a malformed manifest with file, line and column through AggregateCreateNodesError, keeping the other projects', async () => {
    write('rust/execution-engine/Cargo.toml', '[package]\nname = "execution-engine"\nversion = 0.1.0\n');
    let error: unknown;
    try {
      await createNodesV2[1](manifests(), undefined, context());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AggregateCreateNodesError);
    const aggregate = error as AggregateCreateNodesError;
    expect(aggregate.errors.map(([file, e]) => [file, e.message.split(': invalid TOML')[0]])).toEqual([['rust/execution-engine/Cargo.toml', 'rust/execution-engine/Cargo.toml:3:14']]);
    expect(aggregate.partialResults.map(([file]) => file)).toEqual(['rust/common/Cargo.toml', 'rust/market-data/Cargo.toml', 'rust/tools/derive/Cargo.toml']);
  });
});

describe('inference cache', () => {
  const load = () =>
    loadCargoModel({ workspaceRoot: root, manifestFiles: manifests(), options: normalizeOptions(undefined), cacheDir: dataDir, warn: () => undefined });

  it('is reused while nothing changes and invalidated by a manifest edit or a new target file', () => {
    expect(load().fromCache).toBe(false);
    const warm = load();
    expect(warm.fromCache).toBe(true);
    expect(warm.model).toEqual(load().model);

    write('rust/execution-engine/Cargo.toml', FILES['rust/execution-engine/Cargo.toml'] + '\n[[bench]]\nname = "router_bench"\nharness = false\n');
    const edited = load();
    expect(edited.fromCache).toBe(false);
    expect(edited.model.crates.find((c) => c.name === 'execution-engine')?.benches).toEqual(['router_bench']);

    write('rust/execution-engine/src/bin/replay.rs', '');
    const withBin = load();
    expect(withBin.fromCache).toBe(false);
    expect(withBin.model.crates.find((c) => c.name === 'execution-engine')?.bins).toEqual(['execution-engine', 'replay']);
    expect(load().fromCache).toBe(true);
  });

  it('trusts stat() once files are older than the racy window, and still sees a same-size edit', async () => {
    load();
    // Files written less than a second ago are read and hashed every time (a second write within the
    // file system's timestamp tick could keep their stamp); age them past that window.
    await new Promise((r) => setTimeout(r, 1100));
    expect(load().fromCache).toBe(true);
    const cache = JSON.parse(readFileSync(cacheFilePath(dataDir), 'utf8')) as { stampKey?: string; listed?: Record<string, string[]> };
    expect(cache.stampKey).toEqual(expect.any(String));
    expect(cache.listed?.['rust/market-data/Cargo.toml']).toEqual(['.', 'src', 'benches']);

    // Same length, other content: size and mtime granularity could miss it, ctime cannot.
    const edited = FILES['rust/market-data/Cargo.toml'].replace('version = "0.1.0"', 'version = "0.2.0"').replace('"2000000"', '"3000000"');
    expect(edited.length).toBe(FILES['rust/market-data/Cargo.toml'].length);
    write('rust/market-data/Cargo.toml', edited);
    const after = load();
    expect(after.fromCache).toBe(false);
    expect(after.model.crates.find((c) => c.name === 'market-data')?.workload).toEqual([{ bin: 'market-data', args: ['--synthetic', '3000000'] }]);

    // A new bench file only changes its folder's stamp.
    await new Promise((r) => setTimeout(r, 1100));
    expect(load().fromCache).toBe(true);
    write('rust/market-data/benches/depth_bench.rs', '');
    const withBench = load();
    expect(withBench.fromCache).toBe(false);
    expect(withBench.model.crates.find((c) => c.name === 'market-data')?.benches).toEqual(['orderbook_bench', 'depth_bench']);
  });

  it('is keyed by the plugin options', () => {
    load();
    const other = loadCargoModel({ workspaceRoot: root, manifestFiles: manifests(), options: normalizeOptions({ benchTargetName: 'b' }), cacheDir: dataDir, warn: () => undefined });
    expect(other.fromCache).toBe(false);
  });

  it('treats a failed cache write as a warning', () => {
    write('blocker', 'a file where the cache folder should be');
    const warnings: string[] = [];
    const result = loadCargoModel({ workspaceRoot: root, manifestFiles: manifests(), options: normalizeOptions(undefined), cacheDir: join(root, 'blocker', 'data'), warn: (m) => warnings.push(m) });
    expect(result.model.crates).toHaveLength(4);
    expect(warnings).toEqual([expect.stringContaining(`could not write the inference cache ${cacheFilePath(join(root, 'blocker', 'data'))}`)]);
  });

  it('ignores a corrupt cache file', () => {
    write('.nx/workspace-data/rust-perf-inference.json', '{"hash": ');
    expect(load().model.crates).toHaveLength(4);
  });
});

describe('several Cargo roots', () => {
  // Two standalone packages of one name under apps/, a workspace under rust/ (FILES), and tools/ linking a rust/ member.
  const extra: Record<string, string> = {
    'apps/a/Cargo.toml': '[package]\nname = "service"\nversion = "0.1.0"\n',
    'apps/a/src/main.rs': '',
    'apps/b/Cargo.toml': '[package]\nname = "service"\nversion = "0.1.0"\n',
    'apps/b/src/main.rs': '',
    'tools/Cargo.toml': '[package]\nname = "loadgen"\nversion = "0.1.0"\n\n[dependencies]\ncommon = { path = "../rust/common" }\n',
    'tools/src/main.rs': '',
  };
  const files = () => [...manifests(), ...Object.keys(extra).filter((f) => f.endsWith('Cargo.toml'))];
  beforeEach(() => {
    for (const [rel, text] of Object.entries(extra)) write(rel, text);
  });

  it('[infer-duplicate-crate-name] qualifies a package name two roots hold with the root; cargo still gets the package name', async () => {
    const projects = await inferProjects(files());
    expect(Object.keys(projects).sort()).toEqual(['apps-a-service', 'apps-b-service', 'common', 'derive', 'execution-engine', 'loadgen', 'market-data']);
    const a = projects['apps-a-service'];
    expect([a.root, a.targets?.['build-release']?.options]).toEqual(['apps/a', { cargoRoot: 'apps/a', package: 'service', profile: 'release', outputPath: 'dist/rust/apps-a-service/release' }]);
    expect(a.targets?.['build-pgo']?.options).toMatchObject({ package: 'service', profdata: 'dist/pgo/apps-a-service/apps-a-service.profdata', outputPath: 'dist/rust/apps-a-service/pgo' });
    // Every output folder of one differs from every output folder of the other.
    const outs = (p: (typeof projects)[string]) => Object.values(p.targets ?? {}).map((t) => (t.options as { outputPath?: string }).outputPath).filter(Boolean);
    const bOuts = outs(projects['apps-b-service']);
    expect(outs(a).filter((o) => bOuts.includes(o))).toEqual([]);
    expect(outs(a).length).toBeGreaterThan(5);
  });

  it('[infer-root-inputs] keys each root on its own lockfile and the config files above it', async () => {
    const projects = await inferProjects(files());
    const ws = (name: string) => projects[name].namedInputs?.rustWorkspace?.filter((i): i is string => typeof i === 'string');
    expect(ws('apps-a-service')).toEqual([
      '{workspaceRoot}/apps/a/Cargo.toml',
      '{workspaceRoot}/apps/a/Cargo.lock',
      '{workspaceRoot}/apps/a/.cargo/config.toml',
      '{workspaceRoot}/apps/a/.cargo/config',
      '{workspaceRoot}/apps/a/rust-toolchain',
      '{workspaceRoot}/apps/a/rust-toolchain.toml',
      '{workspaceRoot}/apps/.cargo/config.toml',
      '{workspaceRoot}/apps/.cargo/config',
      '{workspaceRoot}/apps/rust-toolchain',
      '{workspaceRoot}/apps/rust-toolchain.toml',
      '{workspaceRoot}/.cargo/config.toml',
      '{workspaceRoot}/.cargo/config',
      '{workspaceRoot}/rust-toolchain',
      '{workspaceRoot}/rust-toolchain.toml',
    ]);
    expect(ws('apps-b-service')?.filter((f) => f.endsWith('Cargo.lock'))).toEqual(['{workspaceRoot}/apps/b/Cargo.lock']);
    expect(ws('loadgen')?.filter((f) => f.endsWith('Cargo.lock'))).toEqual(['{workspaceRoot}/tools/Cargo.lock']);
    expect(ws('common')?.filter((f) => f.endsWith('Cargo.lock'))).toEqual(['{workspaceRoot}/rust/Cargo.lock']);
    // cpu-key runs for each project's own root.
    expect(projects.loadgen.targets?.['build-release']?.inputs).toContainEqual({ runtime: 'node node_modules/rust-perf/bin/rust-perf.js cpu-key tools' });
  });

  it('names qualified projects in a library\'s PGO note', async () => {
    write('apps/b/Cargo.toml', '[package]\nname = "service"\nversion = "0.1.0"\n\n[dependencies]\nlib = { path = "lib" }\n');
    write('apps/b/lib/Cargo.toml', '[package]\nname = "lib"\nversion = "0.1.0"\n');
    write('apps/b/lib/src/lib.rs', '');
    const projects = await inferProjects([...files(), 'apps/b/lib/Cargo.toml']);
    expect(projects.lib.metadata?.['rust-perf']?.notes?.[0]).toContain('`nx run apps-b-service:build-pgo`');
  });
});

describe('createDependencies', () => {
  async function edges() {
    return createDependencies(undefined, await dependenciesContext());
  }
  async function dependenciesContext(): Promise<CreateDependenciesContext> {
    const results = await createNodesV2[1](manifests(), undefined, context());
    const projects: Record<string, ProjectConfiguration> = {};
    for (const [, r] of results) for (const [projectRoot, p] of Object.entries(r.projects ?? {})) projects[p.name as string] = { ...p, root: projectRoot };
    // Nx hands over the hash of every file; the plugin keys its edges on them.
    const hashed = (file: string) => ({ file, hash: createHash('sha1').update(readFileSync(join(root, file))).digest('hex') });
    const fileMap: CreateDependenciesContext['fileMap'] = {
      projectFileMap: Object.fromEntries(Object.values(projects).map((p) => [p.name as string, [hashed(`${p.root}/Cargo.toml`)]])),
      nonProjectFiles: [hashed('rust/Cargo.toml')],
    };
    return { workspaceRoot: root, projects, fileMap, filesToProcess: fileMap, nxJsonConfiguration: {}, externalNodes: {} };
  }

  it('adds static edges from path, workspace and renamed dev dependencies, with the declaring Cargo.toml', async () => {
    expect(await edges()).toEqual([
      { source: 'execution-engine', target: 'common', sourceFile: 'rust/execution-engine/Cargo.toml', type: 'static' },
      { source: 'execution-engine', target: 'market-data', sourceFile: 'rust/execution-engine/Cargo.toml', type: 'static' },
      { source: 'market-data', target: 'common', sourceFile: 'rust/market-data/Cargo.toml', type: 'static' },
    ]);
  });

  it("caches edges under Nx's file hashes and recomputes when a manifest's hash changes", async () => {
    const ctx = await dependenciesContext();
    await createDependencies(undefined, ctx);
    expect(existsSync(edgesCachePath(dataDir))).toBe(true);
    // A hit reads no manifest: with the inference cache gone and the crates' sources gone, the edges still come back.
    rmSync(cacheFilePath(dataDir));
    rmSync(join(root, 'rust', 'market-data'), { recursive: true });
    expect(await createDependencies(undefined, ctx)).toHaveLength(3);
    expect(existsSync(cacheFilePath(dataDir))).toBe(false);
    write('rust/market-data/Cargo.toml', FILES['rust/market-data/Cargo.toml']);

    write('rust/execution-engine/Cargo.toml', FILES['rust/execution-engine/Cargo.toml'].replace(/\[dev-dependencies\][^]*/, ''));
    expect(await edges()).toEqual([
      { source: 'execution-engine', target: 'common', sourceFile: 'rust/execution-engine/Cargo.toml', type: 'static' },
      { source: 'market-data', target: 'common', sourceFile: 'rust/market-data/Cargo.toml', type: 'static' },
    ]);
  });
});
