import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../process/run';
import { boltCandidates, findLlvmBolt, mergeFdataCandidates } from '../toolchain/llvm-bolt';
import { main as cli } from '../../cli';
import { whichSync } from '../toolchain/cache';
import { BoltInputError, checkBoltInput, explainBoltFailure, NotElfError, parseElf, readElf } from './elf';
import { checkFdata, listFdata, NoBoltProfileError } from './fdata';
import { boltLayout, BOLT_OPTIMIZE_OPTIONS, BoltLinkerError, checkBoltTarget, fdataFilePattern, instrumentArgv, linkerOverride, optimizeArgv, portableFlags } from './plan';
import { describeBoltStats, parseBoltOutput } from './stats';

describe('ELF facts', () => {
  it('reads a stripped system binary: x86_64 or aarch64 executable, no .symtab, no .rela.text', () => {
    const ls = readElf('/bin/ls');
    expect(['x86_64', 'aarch64']).toContain(ls.machine);
    expect(ls).toMatchObject({ executable: true, symbols: false, relocations: false });
    expect(ls.sections).toContain('.text');
    expect(() => checkBoltInput(ls, '/bin/ls')).toThrow(/\/bin\/ls is stripped \(no \.symtab\)/);
  });

  it('refuses what is not a 64-bit little-endian ELF, or another machine', () => {
    expect(() => parseElf(Buffer.from('#!/bin/sh\necho hi\n'.padEnd(80)), 'run.sh')).toThrow(NotElfError);
    expect(() => parseElf(Buffer.from('#!/bin/sh\n'.padEnd(80)), 'run.sh')).toThrow(/run\.sh is not an ELF file: BOLT rewrites Linux \(ELF\) executables only/);
    const elf32 = Buffer.alloc(64);
    elf32.writeUInt32BE(0x7f454c46, 0);
    elf32[4] = 1;
    elf32[5] = 1;
    expect(() => parseElf(elf32, 'a.out')).toThrow(/32-bit ELF file/);
    const riscv = Buffer.from(fs.readFileSync('/bin/ls'));
    riscv.writeUInt16LE(243, 18);
    const facts = parseElf(riscv, 'riscv-bin');
    expect(facts.machine).toBe('other');
    expect(() => checkBoltInput(facts, 'riscv-bin')).toThrow(BoltInputError);
    expect(() => checkBoltInput(facts, 'riscv-bin')).toThrow(/machine 243: BOLT optimizes x86_64 and aarch64 executables only/);
  });

  it('a binary linked by mold explains an llvm-bolt failure', () => {
    const facts = { machine: 'x86_64' as const, machineCode: 62, executable: true, symbols: true, relocations: true, sections: [], comment: ['rustc version 1.95.0', 'mold 1.10.1 (compatible with GNU ld)'] };
    expect(explainBoltFailure(facts)).toMatch(/linked by mold 1\.10\.1 .*cannot read the PLT/);
    expect(explainBoltFailure({ ...facts, comment: ['Linker: LLD 22.1.2'] })).toBeUndefined();
  });

  it('a binary with symbols but no relocations names --emit-relocs', () => {
    const facts = { machine: 'x86_64' as const, machineCode: 62, executable: true, symbols: true, relocations: false, sections: ['.text', '.symtab'], comment: [] };
    expect(() => checkBoltInput(facts, 'app')).toThrow(/app has no static relocations \(no \.rela\.text\)[^]*-C link-args=-Wl,--emit-relocs/);
  });
});

describe('BOLT plan', () => {
  it('lays out per-package input builds and per-run directories', () => {
    const l = boltLayout('/t', 'md', '42-abc');
    expect(l).toEqual({
      inputTargetDir: '/t/rust-perf/bolt/input/md',
      packageRunsDir: '/t/rust-perf/bolt/runs/md',
      runDir: '/t/rust-perf/bolt/runs/md/42-abc',
      instrumentedDir: '/t/rust-perf/bolt/runs/md/42-abc/bin',
      fdataDir: '/t/rust-perf/bolt/runs/md/42-abc/fdata',
      optimizeRunsDir: '/t/rust-perf/bolt/optimize/md',
    });
    expect(portableFlags(['-Cprofile-use=/t/rust-perf/pgo/profdata/ab.profdata', '-Clink-args=-Wl,--emit-relocs'], '/t')).toEqual([
      '-Cprofile-use=<target-dir>/rust-perf/pgo/profdata/ab.profdata',
      '-Clink-args=-Wl,--emit-relocs',
    ]);
  });

  it('builds llvm-bolt and cargo argv', () => {
    expect(instrumentArgv('in', 'out', '/r/fdata/md')).toEqual(['in', '-instrument', '-o', 'out', '--instrumentation-file=/r/fdata/md', '--instrumentation-file-append-pid']);
    expect(optimizeArgv('in', 'out', 'md.fdata')).toEqual([
      'in', '-o', 'out', '-data=md.fdata',
      '-reorder-blocks=ext-tsp', '-reorder-functions=cdsort', '-split-functions', '-split-all-cold', '-split-eh', '-icf=all', '-use-gnu-stack', '-dyno-stats',
    ]);
    expect(optimizeArgv('in', 'out', 'f', ['-reorder-blocks=ext-tsp'])).toEqual(['in', '-o', 'out', '-data=f', '-reorder-blocks=ext-tsp']);
    expect(BOLT_OPTIMIZE_OPTIONS.every((o) => o.why.length > 10)).toBe(true);
  });

  it('every default option is one llvm-bolt accepts', async () => {
    const help = (await run('llvm-bolt-22', ['--help-hidden'], { cwd: os.tmpdir() })).stdout;
    for (const o of BOLT_OPTIMIZE_OPTIONS) expect({ arg: o.arg, known: help.includes(`--${o.arg.slice(1).split('=')[0]}`) }).toEqual({ arg: o.arg, known: true });
  });

  it('links the input with lld when the rustflags pick mold', () => {
    expect(linkerOverride(['-C', 'target-cpu=native'], true)).toEqual({ flags: [] });
    expect(linkerOverride(['-C', 'link-arg=-fuse-ld=mold'], true).flags).toEqual(['-Clink-arg=-fuse-ld=lld']);
    expect(linkerOverride(['-Clink-args=-Wl,-O1 -fuse-ld=/usr/bin/mold'], true).flags).toEqual(['-Clink-arg=-fuse-ld=lld']);
    expect(() => linkerOverride(['-C', 'link-arg=-fuse-ld=mold'], false)).toThrow(BoltLinkerError);
  });

  it.each([
    ['x86_64-unknown-linux-gnu', undefined],
    ['aarch64-unknown-linux-musl', undefined],
    ['x86_64-pc-windows-msvc', /ELF executables .* only, not pc-windows-msvc/],
    ['aarch64-apple-darwin', /ELF executables/],
    ['armv7-unknown-linux-gnueabihf', /x86_64 and aarch64 binaries only \(this target's architecture is armv7\)/],
  ])('target %s', (triple, error) => {
    if (error) expect(() => checkBoltTarget(triple)).toThrow(error);
    else expect(() => checkBoltTarget(triple)).not.toThrow();
  });
});

describe('.fdata files', () => {
  it('finds each binary\'s per-process profiles (<bin>.<pid>.fdata), skipping empty ones; none at all is an error naming the workload', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-fdata-'));
    try {
      expect(fdataFilePattern('a.b').test('a.b.123.fdata')).toBe(true);
      expect(fdataFilePattern('a.b').test('axb.123.fdata')).toBe(false);
      fs.writeFileSync(path.join(dir, 'md.11.fdata'), '1 x 0 1 x 4 0 1\n');
      fs.writeFileSync(path.join(dir, 'md.12.fdata'), '');
      fs.writeFileSync(path.join(dir, 'tool.13.fdata'), '');
      const found = listFdata(dir, ['md', 'tool']);
      expect(found).toEqual([
        { bin: 'md', files: [path.join(dir, 'md.11.fdata')], empty: 1 },
        { bin: 'tool', files: [], empty: 1 },
      ]);
      expect(checkFdata(found, dir, ['md --x'])).toMatchObject({ unprofiled: ['tool'] });
      expect(() => checkFdata([{ bin: 'md', files: [], empty: 0 }], dir, ['md --x'])).toThrow(NoBoltProfileError);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('llvm-bolt output', () => {
  // From llvm-bolt 22.1.8 on market-data (200k-message training run).
  const OUTPUT = `BOLT-INFO: 160 out of 887 functions in the binary (18.0%) have non-empty execution profile
BOLT-INFO: program-wide dynostats after all optimizations before SCTC and FOP:

            21599015 : executed unconditional branches
          1740106323 : executed instructions

             5071081 : executed unconditional branches (-76.5%)
            34585699 : all function calls (=)
          1719998568 : executed instructions (-1.2%)
            35643718 : taken branches (-59.8%)
`;
  it('parses coverage and the dyno-stats after optimization', () => {
    const s = parseBoltOutput(OUTPUT);
    expect(s.profiledFunctions).toEqual({ profiled: 160, total: 887 });
    expect(s.dyno).toEqual([
      { name: 'executed unconditional branches', after: 5071081, change: '-76.5%' },
      { name: 'all function calls', after: 34585699, change: '=' },
      { name: 'executed instructions', after: 1719998568, change: '-1.2%' },
      { name: 'taken branches', after: 35643718, change: '-59.8%' },
    ]);
    expect(describeBoltStats(s)).toBe(
      '160 of 887 functions have profile (18.0%); executed instructions -1.2%; taken branches -59.8%; executed unconditional branches -76.5% (llvm-bolt -dyno-stats, counted from the profile)',
    );
    expect(describeBoltStats(parseBoltOutput(''))).toBe('llvm-bolt printed no statistics');
  });
});

describe('llvm-bolt discovery', () => {
  it('orders candidates: LLVM_BOLT, llvm-bolt-<major>, llvm-bolt; merge-fdata beside the real llvm-bolt first', () => {
    const which = (n: string) => (n === 'llvm-bolt-22' ? '/usr/bin/llvm-bolt-22' : n === 'merge-fdata-22' ? '/usr/bin/merge-fdata-22' : undefined);
    expect(boltCandidates({ llvmMajor: 22, which, explicit: '/opt/bolt' })).toEqual([
      { path: '/opt/bolt', origin: 'LLVM_BOLT' },
      { path: '/usr/bin/llvm-bolt-22', origin: 'PATH' },
    ]);
    expect(mergeFdataCandidates({ boltPath: '/usr/bin/llvm-bolt-22', boltRealPath: '/usr/lib/llvm-22/bin/llvm-bolt', llvmMajor: 22, which })).toEqual([
      '/usr/lib/llvm-22/bin/merge-fdata',
      '/usr/lib/llvm-22/bin/merge-fdata-22',
      '/usr/bin/merge-fdata',
      '/usr/bin/merge-fdata-22',
    ]);
  });

  it('finds this machine\'s llvm-bolt of rustc\'s LLVM major with its merge-fdata', async () => {
    const env = { ...process.env, RUST_PERF_CACHE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'rp-bolt-cache-')), LLVM_BOLT: undefined, MERGE_FDATA: undefined };
    const bolt = await findLlvmBolt(os.tmpdir(), env);
    const rustcMajor = Number(/LLVM version: (\d+)/.exec((await run('rustc', ['-vV'], { cwd: os.tmpdir() })).stdout)![1]);
    expect(bolt.major).toBe(rustcMajor);
    expect(path.basename(bolt.path)).toBe(`llvm-bolt-${rustcMajor}`);
    expect(path.basename(bolt.mergeFdata)).toMatch(/^merge-fdata/);
  });

  it('the cache-key runtime input (rust-perf bolt-version) prints the same llvm-bolt\'s version, and "no llvm-bolt" instead of failing', async () => {
    const printed = async (env: Record<string, string | undefined>) => {
      const saved = { ...process.env };
      let out = '';
      const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
      try {
        Object.assign(process.env, { RUST_PERF_CACHE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'rp-bolt-cache-')) }, env);
        for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
        return { code: await cli(['bolt-version', os.tmpdir()]), out };
      } finally {
        spy.mockRestore();
        process.env = saved;
      }
    };
    const found = await printed({ LLVM_BOLT: undefined });
    expect(found).toEqual({ code: 0, out: expect.stringMatching(/^llvm-bolt 22\./) });
    // A PATH with rustc and nothing else (llvm-bolt-22 sits beside node in /usr/bin here).
    const emptyPath = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-no-bolt-'));
    fs.symlinkSync(whichSync('rustc')!, path.join(emptyPath, 'rustc'));
    const none = await printed({ LLVM_BOLT: '/nonexistent/llvm-bolt', PATH: emptyPath });
    fs.rmSync(emptyPath, { recursive: true });
    expect(none).toEqual({ code: 0, out: 'no llvm-bolt\n' });
  });
});
