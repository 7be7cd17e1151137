import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCountedRun } from '../counted/counted';
import {
  callgrindDivanArgs,
  divanArgs,
  divanAsCriterionResult,
  divanCountArgs,
  divanDuration,
  divanLoopPart,
  DivanOutputError,
  isDivanBenchSource,
  parseDivanOutput,
  parseDivanTree,
  summarizeDivan,
} from './divan';

// Real divan 0.1.21 output: see __fixtures__/README.md for the commands.
const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8');

describe('isDivanBenchSource', () => {
  it('recognises divan::main() and a configured Divan, not a commented-out call or criterion', () => {
    expect(isDivanBenchSource('fn main() {\n    divan::main();\n}\n')).toBe(true);
    expect(isDivanBenchSource('use divan::Divan;\nfn main() { Divan::from_args().sample_count(10).main(); }')).toBe(true);
    expect(isDivanBenchSource('// divan::main();\ncriterion_main!(benches);')).toBe(false);
    expect(isDivanBenchSource('/* divan::main() */ criterion_main!(benches);')).toBe(false);
    expect(isDivanBenchSource('criterion_group!(benches, a); criterion_main!(benches);')).toBe(false);
  });
});

describe('divanDuration', () => {
  it.each([
    ['6.698 ns', 6.698],
    ['0.105 ns', 0.105],
    ['256.3 ns', 256.3],
    ['1.5 µs', 1500],
    ['2 ms', 2e6],
    ['1.25 s', 1.25e9],
    ['900 ps', 0.9],
  ])('%s is %d ns', (cell, ns) => expect(divanDuration(cell)).toBeCloseTo(ns, 6));
  it('is undefined for a throughput or an empty cell', () => {
    expect(divanDuration('1.148 GB/s')).toBeUndefined();
    expect(divanDuration('')).toBeUndefined();
  });
});

describe('parseDivanOutput', () => {
  const results = parseDivanOutput(fixture('bench.stdout'));
  it('turns every leaf into an id below the bench root, args and generic types as segments', () => {
    expect(results.map((r) => [r.id, r.path])).toEqual([
      ['checksum/16', 'speed::checksum::16'],
      ['checksum/256', 'speed::checksum::256'],
      ['nested/bytes', 'speed::nested::bytes'],
      ['nested/empty', 'speed::nested::empty'],
      ['parse/u8', 'speed::parse::u8'],
      ['parse/u64', 'speed::parse::u64'],
    ]);
  });
  it('reads fastest, slowest, median, mean in ns and the counts, skipping the throughput row', () => {
    expect(results[1]).toEqual({ id: 'checksum/256', path: 'speed::checksum::256', fastest: 256.3, slowest: 272.7, median: 265.2, mean: 265.3, samples: 100, iters: 800 });
    const bytes = results.find((r) => r.id === 'nested/bytes')!;
    expect([bytes.fastest, bytes.median, bytes.iters]).toEqual([55.74, 60.6, 6400]);
  });
  it('ignores ANSI colours and cargo lines around the table', () => {
    const coloured = `   Compiling dv v0.1.0\n${fixture('bench.stdout').replace(/(\d+\.\d+ ns)/g, '\x1b[1m$1\x1b[0m')}`;
    expect(parseDivanOutput(coloured).map((r) => r.median)).toEqual(results.map((r) => r.median));
  });
  it('handles two tables (two bench binaries in one output)', () => {
    const two = fixture('bench.stdout') + fixture('bench.stdout').replace(/^speed /m, 'other ');
    const all = parseDivanOutput(two);
    expect(all).toHaveLength(12);
    expect(all[6].path).toBe('other::checksum::16');
  });
  it('[exec-bench-divan-unreadable] names the line of a row it cannot read', () => {
    const broken = fixture('bench.stdout').replace('256.3 ns', '256.3 xs');
    expect(() => parseDivanOutput(broken, 'cargo bench')).toThrow(DivanOutputError);
    expect(() => parseDivanOutput(broken, 'cargo bench')).toThrow(/^cargo bench:4: expected fastest/);
  });
  it('finds nothing in output without a divan table', () => {
    expect(parseDivanOutput('running 0 tests\n\ntest result: ok.\n')).toEqual([]);
  });
});

describe('parseDivanTree', () => {
  it('lists the leaves of --test output, args cases included', () => {
    expect(parseDivanTree(fixture('test.stdout')).map((l) => l.path)).toEqual([
      'speed::checksum::16',
      'speed::checksum::256',
      'speed::nested::bytes',
      'speed::nested::empty',
      'speed::parse::u8',
      'speed::parse::u64',
    ]);
  });
  it('agrees with the ids of the timed table', () => {
    expect(parseDivanTree(fixture('test.stdout')).map((l) => l.id)).toEqual(parseDivanOutput(fixture('bench.stdout')).map((r) => r.id));
  });
});

describe('argv', () => {
  it('maps the bench options to divan flags', () => {
    expect(divanArgs({})).toEqual(['--color', 'never']);
    expect(divanArgs({ sampleCount: 20, maxTime: 0.3, filter: 'checksum' })).toEqual(['--color', 'never', '--sample-count', '20', '--max-time', '0.3', 'checksum']);
    expect(divanArgs({ exact: ['speed::parse::u8'], filter: 'ignored' })).toEqual(['--color', 'never', '--exact', 'speed::parse::u8']);
  });
  it('counts one benchmark by its exact path, dumping at divan\'s loop boundary', () => {
    expect(divanCountArgs('speed::checksum::16')).toEqual(['--test', '--color', 'never', '--exact', 'speed::checksum::16']);
    expect(callgrindDivanArgs('/t/out', ['--I1=1'])).toEqual([
      '--tool=callgrind',
      '--cache-sim=yes',
      '--branch-sim=yes',
      '--I1=1',
      '--dump-after=divan::benchmark::BenchContext::sample_recorder::*sync_impl',
      '--callgrind-out-file=/t/out',
    ]);
  });
});

describe('counting the loop', () => {
  it('takes part 2 of a run that crossed the boundary twice', () => {
    expect(divanLoopPart(['out', 'out.1', 'out.2'], '/t/out')).toEqual({ file: '/t/out.2' });
  });
  it('[exec-bench-divan-count-boundary] says why when the boundary was never reached or more samples ran', () => {
    expect(divanLoopPart(['out'], '/t/out')).toEqual({ reason: expect.stringContaining('never passed') });
    expect(divanLoopPart(['out', 'out.1', 'out.2', 'out.3', 'out.4'], '/t/out')).toEqual({ reason: expect.stringContaining('more than one sample') });
  });
  it('reads the loop part as the counted modes read callgrind files', () => {
    expect(parseCountedRun(fixture('callgrind.checksum-16.out.2'), 'out.2')).toEqual({ instructions: 178, estimatedCycles: expect.any(Number) });
  });
});

describe('as criterion results and summaries', () => {
  const r = parseDivanOutput(fixture('bench.stdout'))[0];
  it('gives the gate the fastest sample and the median with its range', () => {
    const c = divanAsCriterionResult(r);
    expect(c.perIteration).toEqual([6.698]);
    expect(c.median).toEqual({ estimate: 8.301, lower: 6.698, upper: 9.847, unit: 'ns' });
  });
  it('summarizes in the criterion shape, marked as divan', () => {
    expect(summarizeDivan(r, 'speed')).toEqual({
      id: 'checksum/16',
      bench: 'speed',
      mean: { estimate: 8.246, lower: 6.698, upper: 9.847, unit: 'ns' },
      median: { estimate: 8.301, lower: 6.698, upper: 9.847, unit: 'ns' },
      harness: 'divan',
      fastest: 6.698,
      samples: 100,
      iterations: 51200,
    });
  });
});
