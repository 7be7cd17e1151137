// Counted runs with the real valgrind on a tiny real binary cargo builds in a temp dir.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run, runChecked } from '../process/run';
import {
  COUNT_CPU,
  countedRustflags,
  countProgram,
  formatCount,
  parseVmHwm,
  watchPeakRss,
  parseCachegrind,
  parseDhat,
  parsePerfStat,
  resolveCountArgs,
  simulatedCounts,
  valgrindFailure,
  type Counted,
} from './index';

const MAIN_RS = `use std::hint::black_box;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    // An AVX-512 (EVEX) instruction: valgrind 3.19 cannot decode it, and stops with SIGILL.
    if args.get(1).map(String::as_str) == Some("evex") {
        unsafe { std::arch::asm!("vpaddd zmm0, zmm0, zmm0") };
    }
    let n: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let mut v: Vec<Vec<u64>> = Vec::new();
    let mut sum = 0u64;
    for i in 0..n {
        v.push(vec![i; 4]);
        sum = sum.wrapping_add(black_box(i) * 3);
    }
    // Holds its peak heap a moment, so a sampler cannot miss it.
    if args.get(1).map(String::as_str) == Some("hold") {
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    println!("{} {} {}", sum, v.len(), std::env::var("TINY_GREETING").unwrap_or_default());
}
`;

describe('counted runs (real valgrind, real cargo)', () => {
  let dir: string;
  let exe: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rust-perf-count-spec-'));
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'Cargo.toml'), '[package]\nname = "tiny"\nversion = "0.1.0"\nedition = "2021"\n\n[profile.release]\ndebug = false\n');
    fs.writeFileSync(path.join(dir, 'src', 'main.rs'), MAIN_RS);
    await runChecked('cargo', ['build', '--release', '--quiet'], { cwd: dir, env: { RUSTFLAGS: `-Ctarget-cpu=${COUNT_CPU}`, CARGO_TARGET_DIR: path.join(dir, 'target') } });
    exe = path.join(dir, 'target', 'release', 'tiny');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('counts instructions, cache and branch events and the heap; more work counts more, the same work counts the same', async () => {
    const small = (await countProgram({ file: exe, args: ['plain', '1000'], cwd: dir, env: { TINY_GREETING: 'hi' } })) as Counted;
    const again = (await countProgram({ file: exe, args: ['plain', '1000'], cwd: dir, env: { TINY_GREETING: 'hi' } }, { heap: false })) as Counted;
    const big = (await countProgram({ file: exe, args: ['plain', '20000'], cwd: dir })) as Counted;
    expect(small.counted).toBe(true);
    expect(small.valgrindVersion).toMatch(/^valgrind-3\./);
    const s = small.simulated;
    expect(s.instructions).toBe(s.events.Ir);
    expect(s.instructions).toBeGreaterThan(100_000);
    expect(s.branchMispredicts).toBeGreaterThan(0);
    expect(s.branchMispredicts).toBeLessThan(s.branches);
    expect(s.llMisses).toBeLessThanOrEqual(s.l1Misses);
    expect(s.estimatedCycles).toBeGreaterThan(s.instructions);
    // A single-threaded program under valgrind repeats its count within a hair (here: the same binary and args).
    expect(Math.abs(again.simulated.instructions - s.instructions) / s.instructions).toBeLessThan(0.001);
    expect(again.heap).toBeUndefined();
    // 19,000 more iterations, each with a Vec allocation of 32 bytes.
    expect(big.simulated.instructions - s.instructions).toBeGreaterThan(19_000 * 10);
    expect(big.heap!.allocations - small.heap!.allocations).toBeGreaterThanOrEqual(19_000);
    expect(big.heap!.bytesAllocated - small.heap!.bytesAllocated).toBeGreaterThanOrEqual(19_000 * 32);
    expect(big.heap!.peakHeapBytes).toBeGreaterThan(20_000 * 32);
    expect(big.heap!.peakHeapBytes).toBeLessThanOrEqual(big.heap!.bytesAllocated);
    // This VM has no PMU: hardware counts are absent, never invented.
    if (big.hardware) expect(big.hardware.instructions).toBeGreaterThan(0);
  });

  it('[count-crash-under-valgrind] marks a program valgrind cannot run (AVX-512) "not counted" with valgrind\'s reason', async () => {
    const r = await countProgram({ file: exe, args: ['evex', '10'], cwd: dir });
    expect(r.counted).toBe(false);
    if (r.counted) return;
    expect(r.reason).toMatch(/^valgrind: Unrecognised instruction at address 0x[0-9a-f]+ \(vex amd64->IR: unhandled instruction bytes: 0x62 /);
    expect(r.reason).toContain('Process terminating with default action of signal 4 (SIGILL)');
    expect(r.command).toContain('evex');
  });

  it('samples the peak RSS of a running child from the kernel\'s high-water mark', async () => {
    const peakOf = async (n: string) => {
      const watch = watchPeakRss(exe);
      const r = await run(exe, ['hold', n], { cwd: dir, onSpawn: watch.onSpawn });
      expect(r.exitCode).toBe(0);
      return watch.stop();
    };
    const big = await peakOf('1000000');
    const small = await peakOf('1000');
    // 1M Vec headers (24 MB) + 1M heap blocks of 32 bytes: well over 48 MiB resident at the peak.
    expect(big).toBeGreaterThan(48 * 1024);
    expect(small).toBeLessThan(16 * 1024);
  });

  it('[count-valgrind-missing] a missing valgrind is one line naming the apt package', async () => {
    await expect(countProgram({ file: exe, args: [], cwd: dir }, { valgrind: path.join(dir, 'no-such-valgrind') })).rejects.toThrow(
      /^\S*no-such-valgrind was not found on PATH\. Fix: apt-get install valgrind$/,
    );
  });
});

describe('parsers', () => {
  const cg = [
    'desc: I1 cache:         32768 B, 64 B, 8-way associative',
    'cmd: /bin/true',
    'events: Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw Bc Bcm Bi Bim',
    'fl=x.c',
    'fn=main',
    '0 131 24 23 44 1 0 17 1 1 11 6 19 11',
    'summary: 127679 1091 1072 29384 1150 1013 10265 336 311 25324 3162 279 150',
    '',
  ].join('\n');

  it('reads cachegrind totals and derives the estimated cycles by the stated formula', () => {
    const e = parseCachegrind(cg, 'cachegrind.out');
    expect(e).toMatchObject({ Ir: 127679, I1mr: 1091, ILmr: 1072, Dr: 29384, Dw: 10265, Bcm: 3162, Bim: 150 });
    const s = simulatedCounts(e);
    const accesses = 127679 + 29384 + 10265;
    const l1Misses = 1091 + 1150 + 336;
    const ram = 1072 + 1013 + 311;
    expect(s.estimatedCycles).toBe(accesses - l1Misses + 5 * (l1Misses - ram) + 35 * ram);
    expect(s).toMatchObject({ instructions: 127679, l1Misses, llMisses: ram, branches: 25324 + 279, branchMispredicts: 3312 });
  });

  it('names the file and line of a malformed cachegrind file', () => {
    expect(() => parseCachegrind('events: Ir\nsummary: 1\n', 'cg.out')).toThrow('cg.out:1: events I1mr, ILmr');
    expect(() => parseCachegrind(cg.replace('summary: 127679', 'summary:'), 'cg.out')).toThrow('cg.out:7: the summary has 12 numbers for 13 events');
    expect(() => parseCachegrind('hello', 'cg.out')).toThrow('no `events:` line');
  });

  it('sums DHAT program points', () => {
    const json = JSON.stringify({ dhatFileVersion: 2, mode: 'rust-heap', pps: [{ tb: 100, tbk: 2, gb: 50 }, { tb: 28, tbk: 1, gb: 0 }] });
    expect(parseDhat(json, 'dhat.json')).toEqual({ allocations: 3, bytesAllocated: 128, peakHeapBytes: 50 });
    expect(() => parseDhat('{', 'dhat.json')).toThrow(/dhat\.json: not JSON/);
    expect(() => parseDhat('{"mode":"copy","pps":[]}', 'dhat.json')).toThrow('"copy" mode');
  });

  it('reads perf stat CSV, and nothing where the counters are not supported', () => {
    expect(parsePerfStat('# started on x\n\n1234567,,instructions:u,100.00,,\n987654,,cycles:u,100.00,,\n')).toEqual({ instructions: 1234567, cycles: 987654 });
    expect(parsePerfStat('<not supported>,,instructions:u,0,100.00,,\n<not supported>,,cycles:u,0,100.00,,\n')).toBeUndefined();
  });

  it('explains a failed counted run in valgrind\'s words, or the workload\'s', () => {
    expect(valgrindFailure('==1== Memcheck\nerror: no such file input.json\n', 1, null)).toBe('the workload exited with code 1 under valgrind: error: no such file input.json');
    expect(valgrindFailure('', null, 'SIGKILL', true)).toBe('the counted run timed out');
  });

  it('keeps a panicking workload\'s panic message, which comes before the backtrace\'s last lines', () => {
    // The stderr of OrderBook-rs's stp_sweep_hdr under DHAT: its histogram refused one timed call over 1 s.
    const stderr = [
      '==7== DHAT, a dynamic heap analysis tool',
      "thread 'main' (7) panicked at benches/order_book/hdr_common.rs:39:30:",
      'record: ValueOutOfRangeResizeDisabled',
      'stack backtrace:',
      '   2: core::result::Result<T,E>::expect',
      '             at /rustc/5980/library/core/src/result.rs:1867:5',
      '   3: stp_sweep_hdr::main',
      'note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.',
      '==7== ',
    ].join('\n');
    expect(valgrindFailure(stderr, 101, null)).toBe(
      "the workload exited with code 101 under valgrind: thread 'main' (7) panicked at benches/order_book/hdr_common.rs:39:30: / record: ValueOutOfRangeResizeDisabled / … / at /rustc/5980/library/core/src/result.rs:1867:5 / 3: stp_sweep_hdr::main / note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.",
    );
  });

  it('replaces the configuration\'s target-cpu by the counted level', () => {
    expect(countedRustflags(['-Cprofile-use=/p', '-Ctarget-cpu=native'])).toEqual(['-Cprofile-use=/p', '-Ctarget-cpu=x86-64-v3']);
    expect(countedRustflags(['-C', 'target-cpu=native', '-Copt-level=3'])).toEqual(['-Copt-level=3', '-Ctarget-cpu=x86-64-v3']);
  });

  it('takes countArgs from the option, then the manifest, then the workload entry', () => {
    const meta = { 'rust-perf': { countArgs: ['--synthetic', '200000'] } };
    expect(resolveCountArgs(['-n', '5'], meta, 'Cargo.toml', ['--synthetic', '2000000'])).toEqual({ args: ['-n', '5'], source: 'the `countArgs` option' });
    expect(resolveCountArgs(undefined, meta, 'Cargo.toml', ['--synthetic', '2000000'])).toEqual({ args: ['--synthetic', '200000'], source: 'Cargo.toml [package.metadata.rust-perf] countArgs' });
    expect(resolveCountArgs(undefined, {}, 'Cargo.toml', ['a'])).toEqual({ args: ['a'], source: 'the workload entry (no countArgs)' });
    expect(() => resolveCountArgs(undefined, { 'rust-perf': { countArgs: '--synthetic 5' } }, 'm/Cargo.toml', [])).toThrow('m/Cargo.toml [package.metadata.rust-perf] countArgs must be an array of strings');
  });

  it('reads VmHWM only from the program itself, not from the forked parent before exec', () => {
    const status = 'Name:\tmarket-data\nVmPeak:\t  20000 kB\nVmHWM:\t   1234 kB\nVmRSS:\t 1000 kB\n';
    expect(parseVmHwm(status, '/x/market-data'.split('/').pop())).toBe(1234);
    expect(parseVmHwm(status.replace('market-data', 'node'), 'market-data')).toBeUndefined();
    expect(parseVmHwm('Name:\ta-very-long-pro\nVmHWM:\t 7 kB\n', 'a-very-long-program-name')).toBe(7);
  });

  it('formats counts', () => {
    expect(formatCount(1_314_411_604)).toBe('1.314 G');
    expect(formatCount(16_160_000)).toBe('16.16 M');
    expect(formatCount(999)).toBe('999');
  });
});
