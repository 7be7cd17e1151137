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
import { cargoBuildArgs, chooseSubject, executableFromMessages } from './plan';
import { definesProfile, elfHasSymtab, resolveStrip, usesLldOrMold } from './profile';
import { findInferno, installInfernoArgs, toolsDir } from './tools';

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
  it.each([
    ['bench option', pkg(), { bench: 'orderbook_bench', filter: 'orderbook' }, { kind: 'bench', name: 'orderbook_bench', args: ['--bench', '--profile-time', '3', 'orderbook'] }],
    ['bin option with args', pkg(), { bin: 'market-data', args: ['--synthetic', '10'] }, { kind: 'bin', name: 'market-data', args: ['--synthetic', '10'] }],
    [
      'workload metadata',
      pkg({ 'rust-perf': { workload: [{ command: ['x'] }, { bin: 'market-data', args: ['--synthetic', 2000000] }] } }),
      {},
      { kind: 'bin', name: 'market-data', args: ['--synthetic', '2000000'] },
    ],
    ['the only binary', pkg(), {}, { kind: 'bin', name: 'market-data', args: [] }],
  ])('%s', (_n, p, o, expected) => {
    expect(chooseSubject(p, { profileTime: 3, ...o })).toEqual(expected);
  });
  it.each([
    [pkg(), { bin: 'nope' }, 'has no bin target `nope` (bin targets: market-data)'],
    [pkg(), { bin: 'a', bench: 'b' }, 'not both'],
    [pkg(null, ['a', 'b']), {}, 'cannot tell what to record'],
  ])('refuses %#', (p, o, message) => {
    expect(() => chooseSubject(p, { profileTime: 3, ...o })).toThrow(message);
  });

  it('builds with the chosen profile and finds the executable in cargo messages', () => {
    const bench = { kind: 'bench' as const, name: 'orderbook_bench', args: [] };
    expect(cargoBuildArgs('market-data', bench, 'profiling', true)).toEqual([
      'bench', '--no-run', '--profile', 'profiling', '-p', 'market-data', '--bench', 'orderbook_bench', '--message-format', 'json',
    ]);
    expect(cargoBuildArgs('market-data', { kind: 'bin', name: 'market-data', args: [] }, 'bench')).toEqual(['build', '--profile', 'bench', '-p', 'market-data', '--bin', 'market-data']);
    const messages = [
      '{"reason":"compiler-artifact","target":{"name":"market_data","kind":["lib"]},"executable":null}',
      '{"reason":"compiler-artifact","target":{"name":"orderbook_bench","kind":["bench"]},"executable":"/t/release/deps/orderbook_bench-1"}',
      '{"reason":"build-finished","success":true}',
    ].join('\n');
    expect(executableFromMessages(messages, bench)).toBe('/t/release/deps/orderbook_bench-1');
    expect(executableFromMessages(messages, { kind: 'bin', name: 'market-data', args: [] })).toBeUndefined();
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
