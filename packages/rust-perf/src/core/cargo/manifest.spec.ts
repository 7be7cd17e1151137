import { crateTargets, parseManifest, ManifestError, snapshotCrateFs } from './manifest';
import { TomlSyntaxError } from '../toml/toml';

const fakeFs = snapshotCrateFs;

describe('parseManifest', () => {
  it('reads local dependencies from every dependency table, renamed and target-specific included', () => {
    const m = parseManifest(
      `[package]
name = "execution-engine"

[dependencies]
common = { path = "../common" }
serde = "1"
serde_json = { workspace = true }
md = { path = "../market-data", package = "market-data" }
remote = { git = "https://example.invalid/x" }

[dev-dependencies]
testkit = { path = "../testkit" }

[build-dependencies.codegen]
path = "../codegen"

[target.'cfg(unix)'.dependencies]
unix-io = { path = "../unix-io" }

[target.x86_64-pc-windows-msvc.dev-dependencies]
win-test = { workspace = true }
`,
      'rust/execution-engine/Cargo.toml',
    );
    expect(m.dependencies).toEqual([
      { key: 'common', kind: 'normal', workspace: false, path: '../common' },
      { key: 'serde_json', kind: 'normal', workspace: true },
      { key: 'md', kind: 'normal', workspace: false, path: '../market-data', package: 'market-data' },
      { key: 'testkit', kind: 'dev', workspace: false, path: '../testkit' },
      { key: 'codegen', kind: 'build', workspace: false, path: '../codegen' },
      { key: 'unix-io', kind: 'normal', workspace: false, path: '../unix-io', target: 'cfg(unix)' },
      { key: 'win-test', kind: 'dev', workspace: true, target: 'x86_64-pc-windows-msvc' },
    ]);
  });

  it('reads the workspace table: members, exclude, path entries of [workspace.dependencies], profiles', () => {
    const m = parseManifest(
      `[workspace]
members = ["crates/*", "tools/cli"]
exclude = ["crates/experimental"]

[workspace.dependencies]
common = { path = "crates/common" }
renamed = { path = "crates/x", package = "x-core" }
serde = "1"

[profile.production]
inherits = "release"
lto = "fat"
`,
      'rust/Cargo.toml',
    );
    expect(m.package).toBeUndefined();
    expect(m.workspace).toEqual({
      members: ['crates/*', 'tools/cli'],
      exclude: ['crates/experimental'],
      dependencies: { common: { path: 'crates/common' }, renamed: { path: 'crates/x', package: 'x-core' } },
      profiles: ['production'],
    });
  });

  it('reads the workload from [package.metadata.rust-perf] and inherited fields as absent', () => {
    const m = parseManifest(
      `[package]
name = "market-data"
description.workspace = true
autobenches = false

[package.metadata.rust-perf]
workload = [{ bin = "market-data", args = ["--synthetic", "2000000"] }]
`,
      'Cargo.toml',
    );
    expect(m.package).toEqual({
      name: 'market-data',
      autobins: true,
      autobenches: false,
      workload: [{ bin: 'market-data', args: ['--synthetic', '2000000'] }],
    });
  });

  it.each([
    ['text after a value', '[package]\nname = "x" oops\n', 2],
    ['bad number', '[package]\nname = "x"\nversion = 1.2.3\n', 3],
    ['duplicate key', '[package]\nname = "x"\nname = "y"\n', 3],
  ])('reports malformed TOML (%s) with file, line and column', (_case, text, line) => {
    let error: unknown;
    try {
      parseManifest(text, 'rust/broken/Cargo.toml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TomlSyntaxError);
    const e = error as TomlSyntaxError;
    expect(e.line).toBe(line);
    expect(e.message).toMatch(new RegExp(`^rust/broken/Cargo\\.toml:${line}:\\d+: invalid TOML`));
  });

  it('[infer-proc-macro] reads `[lib] proc-macro = true` (and the old proc_macro spelling)', () => {
    expect(parseManifest('[package]\nname = "d"\n\n[lib]\nproc-macro = true\n', 'd/Cargo.toml').procMacro).toBe(true);
    expect(parseManifest('[package]\nname = "d"\n\n[lib]\nproc_macro = true\n', 'd/Cargo.toml').procMacro).toBe(true);
    expect(parseManifest('[package]\nname = "d"\n\n[lib]\ncrate-type = ["cdylib"]\n', 'd/Cargo.toml').procMacro).toBe(false);
    expect(parseManifest('[package]\nname = "d"\n', 'd/Cargo.toml').procMacro).toBe(false);
  });

  it('rejects a [package] without a name and a non-array members', () => {
    // file:line:column of the key at fault, or of its table when the key is missing.
    expect(() => parseManifest('# app\n[package]\nversion = "0.1.0"\n', 'a/Cargo.toml')).toThrow(new ManifestError('a/Cargo.toml', '[package] has no `name`', { line: 2, column: 1 }));
    expect(() => parseManifest('[package]\nname = 3\n', 'a/Cargo.toml')).toThrow('a/Cargo.toml:2:1: [package] has no `name`');
    expect(() => parseManifest('[workspace]\nresolver = "2"\nmembers = "a"\n', 'Cargo.toml')).toThrow('Cargo.toml:3:1: workspace.members must be an array of strings');
    expect(() => parseManifest('workspace.exclude = [1]\n', 'Cargo.toml')).toThrow('Cargo.toml:1:1: workspace.exclude must be an array of strings');
  });
});

describe('crateTargets', () => {
  const manifest = (text: string) => parseManifest(`[package]\nname = "market-data"\n${text}`, 'Cargo.toml');

  it.each([
    ['a crate with no bin (lib only)', '', ['src/lib.rs'], [], []],
    ['src/main.rs is the package-named binary', '', ['src/main.rs', 'src/lib.rs'], ['market-data'], []],
    ['src/bin/*.rs and src/bin/*/main.rs', '', ['src/main.rs', 'src/bin/replay.rs', 'src/bin/gen/main.rs', 'src/bin/gen/util.rs'], ['market-data', 'gen', 'replay'], []],
    ['[[bin]] pointing at src/main.rs keeps its own name', '[[bin]]\nname = "md"\npath = "src/main.rs"\n', ['src/main.rs'], ['md'], []],
    ['autobins = false keeps only declared bins', 'autobins = false\n[[bin]]\nname = "tool"\npath = "src/tool.rs"\n', ['src/main.rs', 'src/bin/x.rs', 'src/tool.rs'], ['tool'], []],
    [
      'a crate with criterion benches: declared harness=false merges with auto-discovery',
      '[[bench]]\nname = "orderbook_bench"\nharness = false\n',
      ['src/lib.rs', 'benches/orderbook_bench.rs', 'benches/extra.rs'],
      [],
      ['orderbook_bench', 'extra'],
    ],
    ['a declared libtest bench (harness = true) is not a criterion bench', '[[bench]]\nname = "old"\n', ['benches/old.rs'], [], []],
    ['autobenches = false keeps only declared benches', 'autobenches = false\n[[bench]]\nname = "b"\nharness = false\n', ['benches/b.rs', 'benches/c.rs'], [], ['b']],
  ])('%s', (_case, extra, files, bins, benches) => {
    const targets = crateTargets(manifest(extra), fakeFs(files));
    expect(targets.bins).toEqual(bins);
    expect(targets.benches).toEqual(benches);
  });

  it('lists the discovered target files (they key the inference cache)', () => {
    const targets = crateTargets(manifest(''), fakeFs(['src/main.rs', 'src/bin/a.rs', 'benches/b.rs']));
    expect(targets.discovered).toEqual(['src/main.rs', 'src/bin/a.rs', 'benches/b.rs']);
  });

  it('names each bench target\'s root file, declared (explicit path, default path) or discovered, libtest ones too', () => {
    const extra = '[[bench]]\nname = "depth"\nharness = false\npath = "perf/./depth.rs"\n[[bench]]\nname = "old"\n[[bench]]\nname = "dir_bench"\nharness = false\n';
    const targets = crateTargets(manifest(extra), fakeFs(['benches/old.rs', 'benches/dir_bench/main.rs', 'benches/dir_bench/util.rs', 'benches/found.rs']));
    expect(targets.benches).toEqual(['depth', 'dir_bench', 'found']);
    expect(targets.benchFiles).toEqual([
      { name: 'depth', path: 'perf/depth.rs' },
      { name: 'old', path: 'benches/old.rs' },
      { name: 'dir_bench', path: 'benches/dir_bench/main.rs' },
      { name: 'found', path: 'benches/found.rs' },
    ]);
  });
});
