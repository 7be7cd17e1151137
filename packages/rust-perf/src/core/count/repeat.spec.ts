import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCachegrind, simulatedCounts, type SimulatedCounts } from './cachegrind';
import { describeBeforeAfter } from './before-after';
import { countRepeated, type Counted } from './count';
import { countChange, countSpread, describeChange, describeRepeatability, describeSpread, judgeRepeats, medianCounts, NOISE_FLOOR_PERCENT } from './repeat';

// Real cachegrind output (valgrind-3.19.0, rust-perf's cache geometry), trimmed to its desc/cmd/events/summary lines:
// - market-data --synthetic 20000 (the example, release at x86-64-v3): single-threaded, fixed-key hasher, fixed work;
// - timed-spin 0.5: a loop bounded by 0.5 s of wall time on 2 threads (e2e's fixture crate), counted twice on this 2-core VM.
function fixture(name: string): SimulatedCounts {
  const file = path.join(__dirname, '__fixtures__', name);
  return simulatedCounts(parseCachegrind(fs.readFileSync(file, 'utf8'), file));
}
const marketData = [fixture('cachegrind-market-data-20000.run1.out'), fixture('cachegrind-market-data-20000.run2.out')];
const timedSpin = [fixture('cachegrind-timed-spin-2-threads.run1.out'), fixture('cachegrind-timed-spin-2-threads.run2.out')];

function counted(runs: SimulatedCounts[], allocations = 1200): Counted {
  return { counted: true, command: 'x', simulated: medianCounts(runs), runs, heap: { allocations, bytesAllocated: 1, peakHeapBytes: 1, peakBlocks: 1 } as Counted['heap'], valgrindVersion: 'valgrind-3.19.0', durationMs: 1 };
}

describe('spread of repeated counts', () => {
  it('min, max, median and (max − min) / median', () => {
    expect(countSpread([186_607_976, 186_609_473])).toEqual({ values: [186_607_976, 186_609_473], min: 186_607_976, max: 186_609_473, median: 186_608_724.5, spreadPercent: expect.closeTo(0.000802, 5) });
    expect(countSpread([3, 1, 2])).toMatchObject({ min: 1, max: 3, median: 2, spreadPercent: 100 });
    expect(countSpread([5, 5]).spreadPercent).toBe(0);
    expect(() => countSpread([])).toThrow('at least one count');
  });

  it('reads as a range with its spread, or as identical', () => {
    expect(describeSpread(countSpread(marketData.map((s) => s.instructions)))).toBe('186.61 M – 186.61 M (0.0008 %)');
    expect(describeSpread(countSpread(timedSpin.map((s) => s.instructions)))).toBe('5.89 M – 11.22 M (62.33 %)');
    expect(describeSpread(countSpread([465, 465]))).toBe('465 (×2, identical)');
  });

  it('the median of each count over the runs, events included', () => {
    const m = medianCounts(marketData);
    expect(m.instructions).toBe(Math.round((186_607_976 + 186_609_473) / 2));
    expect(m.events.Ir).toBe(m.instructions);
    expect(m.branchMispredicts).toBe(Math.round((marketData[0].branchMispredicts + marketData[1].branchMispredicts) / 2));
  });
});

describe('fixed-work or not', () => {
  it('a single-threaded fixed-key workload repeats under the noise floor: fixed-work', () => {
    const r = judgeRepeats([{ name: 'release', instructions: marketData.map((s) => s.instructions) }]);
    expect(r).toMatchObject({ runs: 2, fixedWork: true, noiseFloorPercent: NOISE_FLOOR_PERCENT });
    expect(describeRepeatability(r)).toBe('fixed-work: counts of one binary repeat within 0.0008 % over 2 runs each (most: release), under the 0.5 % noise floor; a change outside both binaries\' ranges is a verdict');
  });

  it('[count-not-fixed-work] a 2-thread loop bounded by wall time does not: not fixed-work, no verdict, with the causes and the fix', () => {
    const r = judgeRepeats([
      { name: 'release', instructions: marketData.map((s) => s.instructions) },
      { name: 'pgo', instructions: timedSpin.map((s) => s.instructions) },
    ]);
    expect(r.fixedWork).toBe(false);
    expect(r.worst.name).toBe('pgo');
    const text = describeRepeatability(r);
    expect(text).toMatch(/^not fixed-work, no verdict: counts of one binary differ by 62\.33 % \(pgo: 5\.89 M – 11\.22 M \(62\.33 %\)\), above the 0\.5 % noise floor\./);
    expect(text).toContain('a loop bounded by time');
    expect(text).toContain('work shared between threads');
    expect(text).toContain('a seed from the clock or OS entropy');
    expect(text).toContain('countArgs');
  });

  it('the floor is the edge: 0.5 % is fixed-work, just above is not', () => {
    expect(judgeRepeats([{ name: 'a', instructions: [1000, 1005] }]).fixedWork).toBe(true);
    expect(judgeRepeats([{ name: 'a', instructions: [1000, 1006] }]).fixedWork).toBe(false);
  });

  it('one run shows nothing: no verdict', () => {
    const r = judgeRepeats([{ name: 'a', instructions: [1000] }]);
    expect(r.fixedWork).toBe(false);
    expect(describeRepeatability(r)).toContain('each binary counted once');
  });
});

describe('the change between two binaries', () => {
  const fixed = { fixedWork: true };
  it('a verdict when the ranges are apart, and only then', () => {
    const c = countChange(countSpread([1_314_411_604, 1_314_411_700]), countSpread([1_706_959_107, 1_706_961_000]), fixed);
    expect(c).toEqual({ kind: 'verdict', changePercent: expect.closeTo(-23.0, 1) });
    expect(describeChange(c)).toBe('(-23.0%)');
    expect(countChange(countSpread([1000, 1004]), countSpread([1002, 1003]), fixed).kind).toBe('within-spread');
    expect(describeChange(countChange(countSpread([1000, 1002]), countSpread([1002, 1003]), fixed))).toBe("(-0.1%, within the runs' spread)");
    expect(countChange(countSpread([7, 7]), countSpread([7, 7]), fixed)).toEqual({ kind: 'verdict', changePercent: 0 });
  });

  it('no verdict at all when the workload is not fixed-work, however large the change', () => {
    const c = countChange(countSpread([1, 2]), countSpread([100, 101]), { fixedWork: false });
    expect(c).toEqual({ kind: 'no-verdict' });
    expect(describeChange(c)).toBe('(no verdict)');
  });
});

describe('build-pgo --count lines', () => {
  it('fixed-work: each count with its runs, and one PGO line with the change', () => {
    // "after": the same fixture counts shifted by a PGO-sized change, so only the verdict's arithmetic is synthetic.
    const after = marketData.map((s) => ({ ...s, instructions: Math.round(s.instructions * 0.77) }));
    const { lines, repeatability } = describeBeforeAfter(counted(marketData), counted(after), 'Counted work:');
    expect(repeatability!.fixedWork).toBe(true);
    expect(lines[1]).toMatch(/^ {2}fixed-work: counts of one binary repeat within/);
    expect(lines.find((l) => l.trim().startsWith('instructions'))).toMatch(/186\.61 M – 186\.61 M \(0\.0008 %\) → +143\.69 M – 143\.69 M \(0\.0008 %\) \(-23\.0%\)$/);
    expect(lines.find((l) => l.trim().startsWith('allocations'))).toContain('(+0.0%, one DHAT run each)');
    expect(lines[lines.length - 1]).toBe('PGO: -23.0% instructions (counted, fixed-work workload)');
  });

  it('not fixed-work (OrderBook-rs\'s shape: a time-bounded, multithreaded workload): no change is printed as a result', () => {
    const after = timedSpin.map((s) => ({ ...s, instructions: Math.round(s.instructions * 1.051) }));
    const { lines, repeatability } = describeBeforeAfter(counted(timedSpin), counted(after), 'Counted work:');
    expect(repeatability!.fixedWork).toBe(false);
    expect(lines[1]).toMatch(/^ {2}not fixed-work, no verdict: counts of one binary differ by 62\.\d\d %/);
    for (const l of lines.slice(3, -1)) expect(l).toMatch(/\(no verdict|no verdict,/);
    expect(lines.join('\n')).not.toMatch(/[+-]\d+\.\d%/);
    expect(lines[lines.length - 1]).toMatch(/^PGO: no verdict: counts of one binary differ by 6\d\.\d\d % \(with(out)? PGO\), above the 0\.5 % noise floor$/);
  });

  it('a side valgrind could not run is "not counted", without a verdict line', () => {
    const { lines, repeatability } = describeBeforeAfter({ counted: false, command: 'x', reason: 'SIGILL' }, counted(marketData), 'Counted work:');
    expect(repeatability).toBeUndefined();
    expect(lines).toEqual(['Counted work:', '  without PGO: not counted: SIGILL']);
  });
});

describe('countRepeated', () => {
  it.each([[1], [0], [2.5]])('[count-runs-too-few] refuses countRuns = %p before running anything', async (runs) => {
    await expect(countRepeated({ file: '/nonexistent', args: [], cwd: '/' }, runs)).rejects.toThrow(`countRuns must be an integer of at least 2 (one count cannot show that counts repeat); got ${runs}`);
  });
});
