import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pgoLayout, instrumentFlags, profileUseFlags, profileUsePath, newRunId, runIdPid, pgoUseTargetDir } from './plan';
import { checkProfraw, listProfraw, removeStaleRuns } from './profraw';
import { countCovered, describeCoverage, missingProfileFunctions, parseProfdataShow } from './stats';
import { parseWorkload, resolveWorkload, workloadBuildTargets, type PackageInfo } from './workload';
import { parseLlvmVersion, profdataCandidates } from '../toolchain/llvm-profdata';

const pkg: PackageInfo = { name: 'market-data', manifestPath: '/w/rust/market-data/Cargo.toml', metadata: null, bins: ['market-data'], benches: ['orderbook_bench'] };

describe('PGO plan', () => {
  test('per-run profile dir, one shared instrumented target dir, fixed instrument flags', () => {
    const a = pgoLayout('/t', 'market-data', 'r1');
    const b = pgoLayout('/t', 'execution-engine', 'r2');
    expect(a.instrumentedTargetDir).toBe(b.instrumentedTargetDir);
    // Same flags for every package and run: the shared instrumented cache is never invalidated by another pipeline.
    expect(instrumentFlags(a)).toEqual(instrumentFlags(b));
    expect(a.runProfileDir).not.toBe(b.runProfileDir);
    expect(a.llvmProfileFile).toBe('/t/rust-perf/pgo/profraw/market-data/r1/%m_%p.profraw');
  });
  test('profile-use path is content-addressed; target dirs per package', () => {
    expect(profileUsePath('/t', 'abcdef0123456789ffff')).toBe('/t/rust-perf/pgo/profdata/abcdef0123456789.profdata');
    expect(profileUseFlags('/p.profdata')).toEqual(['-Cprofile-use=/p.profdata', '-Cllvm-args=-pgo-warn-missing-function']);
    expect(profileUseFlags('/p.profdata', 'native')).toContain('-Ctarget-cpu=native');
    expect(pgoUseTargetDir('/t', 'a')).not.toBe(pgoUseTargetDir('/t', 'b'));
  });
  test('run ids carry the pid', () => expect(runIdPid(newRunId(1234, 99))).toBe(1234));
});

describe('llvm-profdata selection', () => {
  test.each([
    ['Debian LLVM version 22.1.8\n  Optimized build.', 22],
    ['LLVM (http://llvm.org/):\n  LLVM version 14.0.6\n  Optimized build.', 14],
    ['LLVM (http://llvm.org/):\n  LLVM version 22.1.2-rust-1.95.0-stable', 22],
    ['Ubuntu LLVM version 18.1.3', 18],
    ['Apple clang version 15.0.0', undefined],
  ])('%j → %s', (text, major) => expect(parseLlvmVersion(text)?.major).toBe(major));
  test('search order: LLVM_PROFDATA, sysroot llvm-tools, llvm-profdata-<major>, llvm-profdata', () => {
    const which = (n: string) => (n === 'llvm-profdata-22' ? '/usr/bin/llvm-profdata-22' : n === 'llvm-profdata' ? '/usr/bin/llvm-profdata' : undefined);
    expect(profdataCandidates({ targetLibdir: '/s/lib/rustlib/x/lib', llvmMajor: 22, which, explicit: '/opt/lp' }).map((c) => c.path)).toEqual([
      '/opt/lp',
      '/s/lib/rustlib/x/bin/llvm-profdata',
      '/usr/bin/llvm-profdata-22',
      '/usr/bin/llvm-profdata',
    ]);
  });
});

describe('workload', () => {
  test('option beats metadata beats benches', () => {
    const withMeta = { ...pkg, metadata: { 'rust-perf': { workload: [{ bin: 'market-data', args: ['--synthetic', '10'] }] } } };
    expect(resolveWorkload([{ bench: 'orderbook_bench' }], withMeta).entries).toEqual([{ bench: 'orderbook_bench', args: [] }]);
    expect(resolveWorkload(undefined, withMeta)).toMatchObject({ entries: [{ bin: 'market-data', args: ['--synthetic', '10'] }], source: expect.stringContaining('[package.metadata.rust-perf]') });
    expect(resolveWorkload(undefined, pkg).entries).toEqual([{ bench: 'orderbook_bench', args: [] }]);
  });
  test('no workload and no benches names the manifest and the table to add', () => {
    expect(() => resolveWorkload(undefined, { ...pkg, benches: [] })).toThrow(/\/w\/rust\/market-data\/Cargo.toml[\s\S]*\[package.metadata.rust-perf\]\nworkload = \[\{ bin = "market-data"/);
  });
  test.each<[unknown, RegExp]>([
    [{}, /must be an array/],
    [[{ bin: 'a', bench: 'b' }], /exactly one of bin, bench or command/],
    [[{ bin: 'a', args: '--x' }], /args must be an array of strings/],
    [[{ command: [] }], /non-empty array/],
    [[{ bin: 'a', timeoutSeconds: -1 }], /positive number/],
  ])('rejects %j', (raw, re) => expect(() => parseWorkload(raw, 'opt')).toThrow(re));
  test('build targets: bins and benches named, unknown ones rejected', () => {
    expect(workloadBuildTargets([{ bin: 'market-data' }, { bench: 'orderbook_bench' }], pkg)).toEqual({ bins: ['market-data'], benches: ['orderbook_bench'] });
    expect(workloadBuildTargets([{ command: ['sh', 'x'] }], pkg)).toEqual({ bins: ['market-data'], benches: [] });
    expect(() => workloadBuildTargets([{ bin: 'nope' }], pkg)).toThrow(/not a binary of market-data/);
  });
});

describe('profraw checks', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-profraw-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  test('no files and only empty files fail naming the workload', () => {
    expect(() => checkProfraw(listProfraw(dir), dir, ['market-data --synthetic 10'])).toThrow(/No .profraw files were written[\s\S]*market-data --synthetic 10[\s\S]*panic = "abort"/);
    fs.writeFileSync(path.join(dir, 'a.profraw'), '');
    expect(() => checkProfraw(listProfraw(dir), dir, ['w'])).toThrow(/All 1 .profraw files .* are empty/);
    fs.writeFileSync(path.join(dir, 'b.profraw'), 'x');
    expect(() => checkProfraw(listProfraw(dir), dir, ['w'])).not.toThrow();
  });
  test('stale runs of dead processes are removed, live ones kept', () => {
    const dead = path.join(dir, '999999999-abc');
    const live = path.join(dir, `${process.ppid}-abc`);
    const mine = path.join(dir, `${process.pid}-new`);
    for (const d of [dead, live, mine]) fs.mkdirSync(d);
    expect(removeStaleRuns(dir, mine)).toEqual([dead]);
    expect(fs.existsSync(live) && fs.existsSync(mine)).toBe(true);
  });
});

describe('coverage stats', () => {
  test('reads llvm-profdata show output and missing-function warnings', () => {
    expect(parseProfdataShow('Instrumentation level: IR\nTotal functions: 974\nMaximum function count: 9')).toEqual({ functions: 974 });
    expect(countCovered('a\nb\n\n')).toBe(2);
    const stderr = 'warning: market_data.cgu.1: no profile data available for function _ZN3foo\nwarning: x: no profile data available for function _ZN3bar\nwarning: y: no profile data available for function _ZN3foo\n';
    expect(missingProfileFunctions(stderr)).toEqual(['_ZN3foo', '_ZN3bar']);
    expect(describeCoverage({ functions: 200, executed: 50 }, 0)).toBe('profile has records for 200 functions; 50 of them ran in the workload (25.0%); no function of this build lacked profile data');
  });
});
