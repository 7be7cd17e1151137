import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MetadataPackage } from '../bench/plan';
import { run } from '../process/run';
import {
  chooseEvent,
  hardwareCyclesSupported,
  parseCapEff,
  parseParanoid,
  perfRecordArgs,
  perfStatProbeArgs,
  recordingAccess,
} from './perf';
import { argsFix, cargoBuildArgs, chooseSubject, earlierBuilds, executableFromMessages, needsArgs, subjectWorkload, type SubjectPackage } from './plan';
import { describeAddedFeatures, planFeatures } from '../cargo/features';
import { parseWorkload } from '../pgo/workload';
import { definesProfile, elfHasSymtab, resolveStrip, usesLldOrMold } from './profile';
import { findInferno, infernoInstallHint, installCwd, installInfernoArgs, toolsDir } from './tools';

describe('perf access', () => {
  it.each([
    ['2\n', 2],
    ['-1', -1],
    ['4', 4],
  ])('parses perf_event_paranoid %j', (text, value) => expect(parseParanoid(text)).toBe(value));
  it('rejects garbage', () => expect(() => parseParanoid('x')).toThrow('unexpected kernel.perf_event_paranoid'));

  it.each([
    ['root', 'CapEff:\t000001ffffffffff\n', 0, 3, true, false],
    ['CAP_PERFMON (bit 38)', 'CapEff:\t0000004000000000\n', 1000, 4, true, false],
    ['CAP_SYS_ADMIN (bit 21)', 'CapEff:\t0000000000200000\n', 1000, 3, true, false],
    ['user, paranoid 1', 'CapEff:\t0000000000000000\n', 1000, 1, true, false],
    ['user, paranoid -1', 'CapEff:\t0000000000000000\n', 1000, -1, true, false],
    ['user, paranoid 2: user space only', 'CapEff:\t0000000000000000\n', 1000, 2, true, true],
    ['user, paranoid 3 (Debian)', 'CapEff:\t0000000000000000\n', 1000, 3, false, true],
    ['user, no CapEff line', 'Name: node\n', 1000, 4, false, true],
  ])('%s', (_n, status, uid, paranoid, allowed, userOnly) => {
    const access = recordingAccess(paranoid, uid, parseCapEff(status));
    expect(access).toMatchObject({ allowed, userOnly });
    if (!allowed) expect(access.message).toContain('sudo sysctl kernel.perf_event_paranoid=1');
  });

  it.each([
    ['<not supported>,,cycles,0,100.00,,\n', false],
    ['<not counted>,,cycles:u,0,0.00,,\n', false],
    ['1234567,,cycles,512345,100.00,,\n', true],
    ['1234567,,cycles:u,512345,100.00,,\n', true],
    ['', false],
  ])('hardware cycles from perf stat csv %j', (csv, expected) => expect(hardwareCyclesSupported(csv)).toBe(expected));

  it.each([
    [true, false, undefined],
    [true, true, 'cycles:u'],
    [false, false, 'cpu-clock'],
    [false, true, 'cpu-clock:u'],
  ])('event for hardware=%s userOnly=%s', (hw, userOnly, event) => expect(chooseEvent(hw, userOnly)).toBe(event));

  it('builds perf argv', () => {
    expect(perfRecordArgs({ frequency: 997, callGraph: 'dwarf', event: 'cpu-clock', output: '/t/perf.data', program: '/b/x', args: ['--bench', 'a b'] })).toEqual([
      'record', '-F', '997', '--call-graph', 'dwarf', '-e', 'cpu-clock', '-o', '/t/perf.data', '--', '/b/x', '--bench', 'a b',
    ]);
    expect(perfStatProbeArgs(true)).toEqual(['stat', '-x', ',', '-e', 'cycles:u', '--', 'true']);
  });

  // The machine's own answer: whatever perf says here must parse to a boolean without throwing.
  const perfAvailable = fs.existsSync('/usr/bin/perf');
  (perfAvailable ? it : it.skip)('parses the real perf stat probe on this machine', async () => {
    const r = await run('perf', perfStatProbeArgs(false), { cwd: os.tmpdir() });
    expect(r.stderr).toMatch(/cycles/);
    expect(typeof hardwareCyclesSupported(r.stderr)).toBe('boolean');
    expect(hardwareCyclesSupported(r.stderr)).toBe(!r.stderr.includes('<not'));
  });
});

describe('profile symbols and linker', () => {
  const manifest = `[workspace]
members = []

[profile.release]
strip = true

[profile.profiling]
inherits = "release"
debug = "line-tables-only"
strip = "none"

[profile.fast]
inherits = "release"

[profile.lean]
inherits = "bench"
strip = "debuginfo"
`;
  it.each([
    ['profiling', {}, 'none', '/w/Cargo.toml [profile.profiling] strip'],
    ['fast', {}, 'symbols', '/w/Cargo.toml [profile.release] strip'],
    ['bench', {}, 'symbols', '/w/Cargo.toml [profile.release] strip'],
    ['lean', {}, 'debuginfo', '/w/Cargo.toml [profile.lean] strip'],
    ['dev', {}, 'none', 'cargo default'],
    ['bench', { CARGO_PROFILE_BENCH_STRIP: 'false' }, 'none', 'CARGO_PROFILE_BENCH_STRIP'],
    ['profiling', { CARGO_PROFILE_RELEASE_STRIP: 'none' }, 'none', '/w/Cargo.toml [profile.profiling] strip'],
  ])('%s with env %j strips %s', (profile, env, strip, source) => {
    expect(resolveStrip(manifest, '/w/Cargo.toml', profile, env)).toEqual({ strip, source });
  });
  it('bench inherits cargo defaults when nothing is set', () => {
    expect(resolveStrip('[workspace]\n', '/w/Cargo.toml', 'bench', {})).toEqual({ strip: 'none', source: 'cargo default' });
  });
  it('names an undefined custom profile', () => {
    expect(() => resolveStrip(manifest, '/w/Cargo.toml', 'nope', {})).toThrow('/w/Cargo.toml: the profile `nope` is not defined');
    expect(definesProfile(manifest, '/w/Cargo.toml', 'profiling')).toBe(true);
    expect(definesProfile('[workspace]\n', '/w/Cargo.toml', 'profiling')).toBe(false);
  });

  it.each([
    [[], 'x86_64-unknown-linux-gnu', '1.95.0', true],
    [[], 'x86_64-unknown-linux-gnu', '1.89.0', false],
    [[], 'aarch64-unknown-linux-gnu', '1.95.0', false],
    [['-C', 'link-arg=-fuse-ld=mold'], 'aarch64-unknown-linux-gnu', '1.80.0', true],
    [['-Clink-arg=-fuse-ld=lld'], 'aarch64-unknown-linux-gnu', '1.80.0', true],
    [['-Clink-arg=-fuse-ld=bfd'], 'x86_64-unknown-linux-gnu', '1.95.0', false],
    [['-Zlinker-features=-lld'], 'x86_64-unknown-linux-gnu', '1.95.0', false],
  ])('flags %j on %s rustc %s use lld/mold: %s', (flags, target, release, expected) => {
    expect(usesLldOrMold(flags, target, release)).toBe(expected);
  });

  it('sees the symbol table of a real binary and its absence after strip', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-elf-'));
    try {
      fs.writeFileSync(path.join(dir, 'm.rs'), 'fn main() { println!("hi"); }\n');
      await run('rustc', ['-O', 'm.rs', '-o', 'keep'], { cwd: dir });
      await run('rustc', ['-O', '-C', 'strip=symbols', 'm.rs', '-o', 'stripped'], { cwd: dir });
      expect(elfHasSymtab(path.join(dir, 'keep'))).toBe(true);
      expect(elfHasSymtab(path.join(dir, 'stripped'))).toBe(false);
      expect(() => elfHasSymtab(path.join(dir, 'm.rs'))).toThrow('is not an ELF file');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('what to record', () => {
  const pkg = (metadata: MetadataPackage['metadata'] = null, bins = ['market-data']): MetadataPackage => ({
    name: 'market-data',
    manifest_path: '/w/market-data/Cargo.toml',
    targets: [
      { name: 'market_data', kind: ['lib'] },
      ...bins.map((name) => ({ name, kind: ['bin'] })),
      { name: 'orderbook_bench', kind: ['bench'] },
    ],
    dependencies: [],
    metadata,
  });
  const meta = (workload: unknown) => ({ 'rust-perf': { workload } });
  const fromMeta = (p: MetadataPackage) => {
    const w = (p.metadata as { 'rust-perf'?: { workload?: unknown } } | null)?.['rust-perf']?.workload;
    return w === undefined ? undefined : { entries: parseWorkload(w, 'm'), source: 'm' };
  };
  it.each([
    ['bench option', pkg(), { bench: 'orderbook_bench', filter: 'orderbook' }, { kind: 'bench', name: 'orderbook_bench', args: ['--bench', '--profile-time', '3', 'orderbook'], argsFrom: 'none' }],
    ['bin option with args', pkg(), { bin: 'market-data', args: ['--synthetic', '10'] }, { kind: 'bin', name: 'market-data', args: ['--synthetic', '10'], argsFrom: 'option' }],
    [
      'workload metadata',
      pkg(meta([{ command: ['x'] }, { bin: 'market-data', args: ['--synthetic', '2000000'] }])),
      {},
      { kind: 'bin', name: 'market-data', args: ['--synthetic', '2000000'], argsFrom: 'workload', workloadSource: 'm', pickedBecause: 'the first entry of the workload (m)' },
    ],
    // The inferred target always names its bin: the workload's args for that bin still apply (any layout).
    [
      'bin option without args takes the workload entry of that bin [exec-flamegraph-workload-args]',
      pkg(meta([{ bin: 'market-data', args: ['--synthetic', '5'], env: { RUST_LOG: 'warn' } }])),
      { bin: 'market-data' },
      { kind: 'bin', name: 'market-data', args: ['--synthetic', '5'], argsFrom: 'workload', env: { RUST_LOG: 'warn' }, workloadSource: 'm' },
    ],
    ['args option beats the workload', pkg(meta([{ bin: 'market-data', args: ['--synthetic', '5'] }])), { bin: 'market-data', args: [] }, { kind: 'bin', name: 'market-data', args: [], argsFrom: 'option' }],
    ['a workload for another bin does not apply', pkg(meta([{ bin: 'replay', args: ['x'] }]), ['market-data', 'replay']), { bin: 'market-data' }, { kind: 'bin', name: 'market-data', args: [], argsFrom: 'none' }],
    [
      'a bench workload entry gives a bench its criterion args',
      pkg(meta([{ bench: 'orderbook_bench', args: ['orderbook/add'] }])),
      { bench: 'orderbook_bench' },
      { kind: 'bench', name: 'orderbook_bench', args: ['--bench', '--profile-time', '3', 'orderbook/add'], argsFrom: 'workload', workloadSource: 'm' },
    ],
    ['the only binary', pkg(), {}, { kind: 'bin', name: 'market-data', args: [], argsFrom: 'none', pickedBecause: "the package's only binary" }],
  ])('%s', (_n, p, o, expected) => {
    expect(chooseSubject(p, { profileTime: 3, ...o }, fromMeta(p))).toEqual(expected);
  });

  it('names both ways to give args when a bare run fails [exec-flamegraph-needs-args]', () => {
    expect(argsFix('cli', '/w/cli/Cargo.toml', 'rg')).toBe(
      'Tell flamegraph what to run: `nx run cli:flamegraph --args=<first> --args=<second>` (one --args per argument), ' +
        'or add a workload, which pgo-profile runs too, to /w/cli/Cargo.toml:\n\n[package.metadata.rust-perf]\nworkload = [{ bin = "rg", args = ["…a representative, bounded run…"] }]',
    );
    expect(needsArgs({ exitCode: 2, timedOut: false, signal: null })).toBe(true);
    expect(needsArgs({ exitCode: 0, timedOut: false, signal: null })).toBe(false);
    // Still running after the probe time (ended by our SIGINT): it runs without arguments.
    expect(needsArgs({ exitCode: 130, timedOut: true, signal: null })).toBe(false);
    expect(needsArgs({ exitCode: null, timedOut: false, signal: 'SIGSEGV' })).toBe(false);
    expect(earlierBuilds('/t', 'rg', 'profiling')).toEqual(['/t/profiling/rg', '/t/release/rg', '/t/debug/rg']);
    expect(earlierBuilds('/t', 'rg', 'dev', 'x86_64-unknown-linux-musl')).toEqual([
      '/t/debug/rg', '/t/release/rg', '/t/x86_64-unknown-linux-musl/debug/rg', '/t/x86_64-unknown-linux-musl/release/rg',
    ]);
  });
  it.each([
    [pkg(), { bin: 'nope' }, 'has no bin target `nope` (bin targets: market-data)'],
    [pkg(), { bin: 'a', bench: 'b' }, 'not both'],
    [{ ...pkg(null, []), targets: [] }, {}, 'cannot tell what to record for `market-data` (binaries: none; benches: none)'],
  ])('refuses %#', (p, o, message) => {
    expect(() => chooseSubject(p, { profileTime: 3, ...o })).toThrow(message);
  });

  // OrderBook-rs's `examples` package as `cargo metadata --no-deps --format-version 1` (cargo 1.95) printed it,
  // cut to its first three binaries and the three with required-features (27 in all; default_run null).
  const orderbookExamples: SubjectPackage = {
    name: 'examples',
    manifest_path: '/w/OrderBook-rs/examples/Cargo.toml',
    default_run: null,
    metadata: null,
    dependencies: [],
    targets: [
      { name: 'aggregate_statistics', kind: ['bin'] },
      { name: 'basic_orderbook', kind: ['bin'] },
      { name: 'depth_analysis', kind: ['bin'] },
      { name: 'prometheus_export', kind: ['bin'], 'required-features': ['metrics'] },
      { name: 'special_orders_demo', kind: ['bin'], 'required-features': ['special_orders'] },
      { name: 'wire_roundtrip', kind: ['bin'], 'required-features': ['wire'] },
    ],
  };
  const onlyFeatureBins = { ...orderbookExamples, targets: orderbookExamples.targets.slice(3) };
  it.each([
    ['several binaries: the first that needs no required-features', orderbookExamples, 'aggregate_statistics', 'the first of 6 binaries that needs no required-features'],
    ["cargo's default-run wins over the order", { ...orderbookExamples, default_run: 'depth_analysis' }, 'depth_analysis', "the package's default-run"],
    ['every binary has required-features: the first (its features are turned on)', onlyFeatureBins, 'prometheus_export', 'the first of 3 binaries (each has required-features)'],
  ])('default subject: %s [exec-flamegraph-required-features]', (_n, p, name, because) => {
    expect(chooseSubject(p, { profileTime: 3 })).toEqual({ kind: 'bin', name, args: [], argsFrom: 'none', pickedBecause: because });
  });

  it('a package without binaries records its first bench that skip-benches keeps', () => {
    const lib = { ...pkg(null, []), targets: [{ name: 'simd', kind: ['bench'] }, { name: 'shuffle', kind: ['bench'] }] };
    expect(chooseSubject(lib, { profileTime: 3 }, undefined, ['simd'])).toMatchObject({ kind: 'bench', name: 'shuffle', pickedBecause: "the package's first bench (its PGO workload runs its benches)" });
    expect(() => chooseSubject(lib, { profileTime: 3 }, undefined, ['simd', 'shuffle'])).toThrow('skip-benches: simd, shuffle');
  });

  it('a chosen target with required-features builds with them [exec-flamegraph-required-features]', () => {
    const plan = planFeatures(['extra'], orderbookExamples.targets, [{ kind: 'bin', name: 'wire_roundtrip' }]);
    expect(plan).toEqual({ features: ['extra', 'wire'], added: [{ target: 'bin wire_roundtrip', features: ['wire'] }] });
    expect(describeAddedFeatures(plan)).toBe('building with --features extra,wire (bin wire_roundtrip has required-features = ["wire"])');
    expect(planFeatures('wire, extra', orderbookExamples.targets, [{ kind: 'bin', name: 'wire_roundtrip' }]).added).toEqual([]);
    expect(planFeatures(undefined, orderbookExamples.targets, [{ kind: 'bin', name: 'wire_roundtrip' }], true)).toEqual({ features: [], added: [] });
    const subject = { kind: 'bin' as const, name: 'wire_roundtrip', args: [], argsFrom: 'none' as const };
    expect(cargoBuildArgs('examples', subject, 'profiling', true, plan.features)).toEqual([
      'build', '--profile', 'profiling', '-p', 'examples', '--bin', 'wire_roundtrip', '--features', 'extra,wire', '--message-format', 'json',
    ]);
  });

  it('builds with the chosen profile and finds the executable in cargo messages', () => {
    const bench = { kind: 'bench' as const, name: 'orderbook_bench', args: [], argsFrom: 'none' as const };
    expect(cargoBuildArgs('market-data', bench, 'profiling', true)).toEqual([
      'bench', '--no-run', '--profile', 'profiling', '-p', 'market-data', '--bench', 'orderbook_bench', '--message-format', 'json',
    ]);
    expect(cargoBuildArgs('market-data', { kind: 'bin', name: 'market-data', args: [], argsFrom: 'none' }, 'bench')).toEqual(['build', '--profile', 'bench', '-p', 'market-data', '--bin', 'market-data']);
    const messages = [
      '{"reason":"compiler-artifact","target":{"name":"market_data","kind":["lib"]},"executable":null}',
      '{"reason":"compiler-artifact","target":{"name":"orderbook_bench","kind":["bench"]},"executable":"/t/release/deps/orderbook_bench-1"}',
      '{"reason":"build-finished","success":true}',
    ].join('\n');
    expect(executableFromMessages(messages, bench)).toBe('/t/release/deps/orderbook_bench-1');
    expect(executableFromMessages(messages, { kind: 'bin', name: 'market-data', args: [], argsFrom: 'none' })).toBeUndefined();
  });

  it("takes pgo-profile's workload option, naming the manifest when inference copied it from there, else the manifest's", () => {
    const manifest = [{ bin: 'market-data', args: ['--ticks', '1000'] }];
    const p = pkg(meta(manifest));
    const pgoTarget = (workload: unknown) => ({ 'pgo-profile': { executor: 'rust-perf:pgo-profile', options: { workload } }, build: { executor: 'rust-perf:build-release', options: {} } });
    expect(subjectWorkload(pgoTarget(manifest), 'market-data', p)).toEqual({ entries: [{ bin: 'market-data', args: ['--ticks', '1000'] }], source: '/w/market-data/Cargo.toml [package.metadata.rust-perf]' });
    expect(subjectWorkload(pgoTarget([{ bin: 'market-data', args: ['7'] }]), 'market-data', p)).toEqual({ entries: [{ bin: 'market-data', args: ['7'] }], source: 'the `workload` option of market-data:pgo-profile' });
    expect(subjectWorkload({}, 'market-data', p)?.source).toBe('/w/market-data/Cargo.toml [package.metadata.rust-perf]');
    expect(subjectWorkload({}, 'market-data', pkg())).toBeUndefined();
  });
});

describe('inferno discovery', () => {
  it('looks on PATH, in cargo bin and in the tools cache', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-tools-'));
    try {
      const env = { PATH: '/nonexistent', HOME: dir, CARGO_HOME: path.join(dir, 'cargo'), RUST_PERF_TOOLS_DIR: path.join(dir, 'tools') };
      expect(findInferno(env)).toBeUndefined();
      fs.mkdirSync(path.join(dir, 'tools', 'bin'), { recursive: true });
      for (const p of ['inferno-collapse-perf', 'inferno-flamegraph']) fs.writeFileSync(path.join(dir, 'tools', 'bin', p), '#!/bin/sh\n', { mode: 0o755 });
      expect(findInferno(env)).toEqual({
        collapsePerf: path.join(dir, 'tools', 'bin', 'inferno-collapse-perf'),
        flamegraph: path.join(dir, 'tools', 'bin', 'inferno-flamegraph'),
      });
      expect(toolsDir({ XDG_CACHE_HOME: '/c' })).toBe('/c/rust-perf/tools');
      expect(installInfernoArgs('/c/rust-perf/tools')).toEqual(['install', 'inferno', '--locked', '--root', '/c/rust-perf/tools']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('installing inferno outside the workspace [exec-inferno-install-offline-config]', () => {
  it('runs cargo install from the tools dir, or a folder outside the workspace when the tools dir is inside it', () => {
    expect(installCwd('/home/u/.cache/rust-perf/tools', ['/w/repo/rust', '/w/repo'], '/tmp')).toBe('/home/u/.cache/rust-perf/tools');
    expect(installCwd('/w/repo/.tools', ['/w/repo/rust', '/w/repo'], '/tmp')).toBe('/tmp');
    expect(installCwd('/w/repo/.tools', ['/w/repo'], '/w/repo/tmp')).toBe('/');
    expect(infernoInstallHint('/c/tools')).toContain('`cd ~ && cargo install inferno --locked`');
    expect(infernoInstallHint('/c/tools')).toContain('/c/tools/bin');
  });

  // Cargo is the truth: a workspace's `[net] offline = true` reaches a cargo run inside it, not one from installCwd.
  it('the workspace config does not reach cargo run from installCwd', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-offline-'));
    try {
      const ws = path.join(dir, 'ws');
      fs.mkdirSync(path.join(ws, '.cargo'), { recursive: true });
      // An alias stands in for [net] offline: `cargo <alias>` answers which config files cargo read, without the network.
      fs.writeFileSync(path.join(ws, '.cargo', 'config.toml'), '[net]\noffline = true\n\n[alias]\nrp-probe = "version"\n');
      const tools = path.join(dir, 'tools');
      fs.mkdirSync(tools);
      const inside = await run('cargo', ['rp-probe'], { cwd: ws });
      const outside = await run('cargo', ['rp-probe'], { cwd: installCwd(tools, [ws]) });
      expect(inside.exitCode).toBe(0);
      expect(outside.exitCode).not.toBe(0);
      expect(outside.stderr).toMatch(/no such command: `rp-probe`/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
