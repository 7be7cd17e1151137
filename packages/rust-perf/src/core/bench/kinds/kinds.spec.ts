import * as fs from 'node:fs';
import * as path from 'node:path';
import { build, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { benchInfos, detectBenchKind, featuresArgs, featuresFor, isNightly, libtestNote } from './detect';
import { decodeHgrm, HgrmError } from '../latency/hgrm';
import { mergeValues, parseLatencyOutput } from '../latency/latency-output';
import { latencyRows } from '../latency/latency-summary';
import { GATED_STATS, LATENCY_CONFIDENCE, latencyComparisons, roundsNeeded } from '../latency/latency-gate';
import { renderMarkdown, tableRows } from '../summary';

const fixtures = path.join(__dirname, '__fixtures__');
const read = (f: string) => fs.readFileSync(path.join(fixtures, f), 'utf8');

describe('bench kind detection on real sources (OrderBook-rs, rand, divan; see __fixtures__/README.md)', () => {
  // OrderBook-rs declares every bench with a path under benches/; the reader maps those paths to the copied files.
  const orderbookFiles: Record<string, string> = {
    'benches/mod.rs': 'orderbook-mod.rs',
    'benches/order_book/add_only_hdr.rs': 'orderbook-add_only_hdr.rs',
    'benches/order_book/alloc_count.rs': 'orderbook-alloc_count.rs',
  };
  const orderbook = benchInfos(
    [
      { name: 'benches', srcPath: 'benches/mod.rs' },
      { name: 'add_only_hdr', srcPath: 'benches/order_book/add_only_hdr.rs' },
      { name: 'alloc_count', srcPath: 'benches/order_book/alloc_count.rs' },
    ],
    read('orderbook.Cargo.toml'),
    'orderbook-rs/Cargo.toml',
    (p) => (orderbookFiles[p] ? read(orderbookFiles[p]) : undefined),
  );

  it('OrderBook-rs: the criterion suite, an hdrhistogram latency program, and a required-features program', () => {
    expect(orderbook.map((b) => [b.name, b.kind, b.requiredFeatures])).toEqual([
      ['benches', 'criterion', []],
      ['add_only_hdr', 'latency', []],
      ['alloc_count', 'latency', ['alloc-counters']],
    ]);
    expect(featuresFor(orderbook.filter((b) => b.name === 'alloc_count'), undefined)).toEqual(['alloc-counters']);
    expect(featuresArgs(featuresFor(orderbook, ['journal, wire', 'alloc-counters']))).toEqual(['--features', 'journal,wire,alloc-counters']);
    expect(featuresArgs([])).toEqual([]);
  });

  it('rand: criterion benches, also the one whose benchmarks exist only with a nightly feature', () => {
    const rand = benchInfos([{ name: 'simd', srcPath: 'simd' }, { name: 'shuffle', srcPath: 'shuffle' }], read('rand-benches.Cargo.toml'), 'benches/Cargo.toml', (p) => read(`rand-${p}.rs`));
    expect(rand.map((b) => [b.name, b.kind, b.harness])).toEqual([
      ['simd', 'criterion', false],
      ['shuffle', 'criterion', false],
    ]);
  });

  it('divan: a main that calls divan::main(); its docs in comments do not count', () => {
    expect(detectBenchKind(false, read('divan-doc-example.rs')).kind).toBe('divan');
    expect(detectBenchKind(false, '/// divan::main();\nfn main() { println!("p99=1us"); }').kind).toBe('latency');
    expect(detectBenchKind(false, '// criterion_main!(benches);\nfn main() {}').kind).toBe('latency');
  });

  it('libtest: the default harness (declared without harness, or auto-discovered), with or without #[bench]', () => {
    expect(detectBenchKind(true, '#![feature(test)]\nextern crate test;\n#[bench]\nfn b(b: &mut test::Bencher) {}')).toEqual({ kind: 'libtest', hasBenchFunctions: true });
    expect(detectBenchKind(true, '#[test]\nfn t() {}')).toEqual({ kind: 'libtest', hasBenchFunctions: false });
    const auto = benchInfos([{ name: 'auto', srcPath: 'x' }], '[package]\nname = "p"\n', 'Cargo.toml', () => '#[bench] fn b() {}');
    expect(auto[0]).toMatchObject({ kind: 'libtest', harness: true });
  });

  it('a libtest bench on stable is a note naming the nightly requirement', () => {
    expect(isNightly('1.95.0')).toBe(false);
    expect(isNightly('1.97.0-nightly')).toBe(true);
    expect(libtestNote('nightly', '1.95.0', true)).toMatch(/needs a nightly toolchain \(#!\[feature\(test\)\]\); rustc 1\.95\.0 is not nightly.*cargo \+nightly bench --bench nightly/);
    expect(libtestNote('t', '1.95.0', false)).toMatch(/no #\[bench\] functions/);
  });
});

describe('latency output', () => {
  it('reads the table a real hdrhistogram program printed (the e2e fixture crate, run here) and the .hgrm it announced', () => {
    const parsed = parseLatencyOutput(read('kinds-latency.stdout') + read('kinds-latency.stderr'));
    expect(parsed.values).toEqual({ p50: 120, p99: 151, 'p99.9': 161, max: 25487 });
    expect(parsed.hgrmPaths).toEqual(['/tmp/kinds-hg/checksum.hgrm']);
    expect(parsed.notes).toEqual([]);
  });

  it("reads OrderBook-rs's report() table (its hdr_common.rs format) without taking `samples` for a statistic", () => {
    const text = ['scenario     : add_only', 'samples      : 1000000', 'p50    (ns)  : 3155', 'p99    (ns)  : 309247', 'p99.9  (ns)  : 4263935', 'p99.99 (ns)  : 9000000', 'min    (ns)  : 41', 'max    (ns)  : 20311'].join('\n');
    expect(parseLatencyOutput(text + '\nwrote target/bench-hdr/add_only.hgrm\n')).toEqual({
      values: { p50: 3155, p99: 309247, 'p99.9': 4263935, 'p99.99': 9000000, min: 41, max: 20311 },
      hgrmPaths: ['target/bench-hdr/add_only.hgrm'],
      notes: [],
    });
  });

  it("reads a real OrderBook-rs latency program's output (cancel_only_hdr, run here) and the V2 .hgrm it wrote where it chose", () => {
    const parsed = parseLatencyOutput(read('orderbook-cancel_only_hdr.out'));
    expect(parsed.values).toEqual({ p50: 60, p99: 21903, 'p99.9': 80639, 'p99.99': 20529151, min: 50, max: 56098815 });
    expect(parsed.hgrmPaths).toEqual(['target/bench-hdr/cancel_only.hgrm']);
    const h = decodeHgrm(fs.readFileSync(path.join(fixtures, 'orderbook-cancel_only.hgrm')), 'cancel_only.hgrm');
    expect(h).toMatchObject({ p50: 60, p99: 21903, 'p99.9': 80639, 'p99.99': 20529151, min: 50, max: 56098815 });
  });

  it('reads key=value pairs and units after the number or in the label (ns, us, µs, ms, s)', () => {
    expect(parseLatencyOutput('p50=412ns p99=1.87us p99.9=9120ns max=20311ns').values).toEqual({ p50: 412, p99: 1870, 'p99.9': 9120, max: 20311 });
    expect(parseLatencyOutput('p99.9 latency: 7.2 us\nmean: 3.5µs\np90 (ms): 1.5\nmax: 2 s\nmin_ns=12').values).toEqual({ 'p99.9': 7200, mean: 3500, p90: 1.5e6, max: 2e9, min: 12 });
    expect(parseLatencyOutput('median: 1,234 ns\navg = 1_500ns').values).toEqual({ p50: 1234, mean: 1500 });
  });

  it('says when a number had no unit, or a statistic was printed twice', () => {
    const p = parseLatencyOutput('p99: 300\np99: 400 ns');
    expect(p.values).toEqual({ p99: 300 });
    expect(p.notes.join(' ')).toMatch(/no unit.*read as nanoseconds/);
    expect(p.notes.join(' ')).toMatch(/printed p99 more than once/);
  });

  it('ignores what is not a statistic (words that start like one, counts, allocation figures)', () => {
    expect(parseLatencyOutput('maximum_depth = 10\nmax_connections=3\nallocs/op       : 0.0000\nsamples: 10\np50x=3').values).toEqual({});
  });
});

describe('HdrHistogram V2 files', () => {
  it("decodes the V2 file Rust's hdrhistogram 7.5 V2Serializer wrote (e2e fixture crate) to the numbers the program printed", () => {
    const v = decodeHgrm(fs.readFileSync(path.join(fixtures, 'kinds-latency.hgrm')), 'checksum.hgrm');
    expect(v).toMatchObject({ p50: 120, p99: 151, 'p99.9': 161, max: 25487, min: 80 });
    expect(v.mean).toBeCloseTo(119.69, 1);
  });

  it('decodes the compressed V2 form (bytes and base64 text), as other ports write it', () => {
    const h = build({ bitBucketSize: 64, numberOfSignificantValueDigits: 3 });
    for (let i = 1; i <= 1000; i++) h.recordValue(i * 100);
    const text = encodeIntoCompressedBase64(h);
    // three significant digits: values come back within 0.1 %
    for (const v of [decodeHgrm(Buffer.from(text), 'x.hgrm'), decodeHgrm(Buffer.from(text, 'base64'), 'x.hgrm')]) {
      expect(Math.abs(v.p50! / 50000 - 1)).toBeLessThan(0.001);
      expect(Math.abs(v.max! / 100000 - 1)).toBeLessThan(0.001);
    }
  });

  it('names the file when it is not a histogram', () => {
    expect(() => decodeHgrm(Buffer.from('Value Percentile TotalCount\n'), 'out/x.hgrm')).toThrow(HgrmError);
    expect(() => decodeHgrm(Buffer.from('Value Percentile TotalCount\n'), 'out/x.hgrm')).toThrow(/^out\/x\.hgrm: not an HdrHistogram V2 histogram/);
  });

  it('what the program printed wins; the histogram fills in the rest', () => {
    expect(mergeValues({ p99: 151 }, { p99: 150, 'p99.99': 900, min: 80 })).toEqual({ p99: 151, 'p99.99': 900, min: 80 });
  });
});

describe('latency rows in the summary', () => {
  it('one row per statistic: the median over runs with the lowest and highest run as its spread', () => {
    const { rows, notes } = latencyRows('lat', [
      { p50: 120, p99: 151, 'p99.9': 161, max: 25487 },
      { p50: 118, p99: 160, 'p99.9': 170, max: 9000 },
      { p50: 121, p99: 149, 'p99.9': 400, max: 30000, min: 1 },
    ]);
    expect(rows.map((r) => [r.id, r.median.estimate, r.median.lower, r.median.upper])).toEqual([
      ['lat/p50', 120, 118, 121],
      ['lat/p99', 151, 149, 160],
      ['lat/p99.9', 170, 161, 400],
      ['lat/max', 25487, 9000, 30000],
    ]);
    expect(rows[0]).toMatchObject({ kind: 'latency', statistic: 'p50', runs: [120, 118, 121] });
    expect(notes).toEqual(['bench lat: min was reported by 1 of 3 runs; left out']);
    expect(tableRows(rows)[3][1]).toBe('170.0 ns [161.0 ns – 400.0 ns] (3 runs)');
    const md = renderMarkdown({ schemaVersion: 1, project: 'p', package: 'p', createdAt: 'now', rustc: 'rustc 1.95.0', metric: 'wall', benchmarks: rows, notes: ['bench nightly: skipped'] });
    expect(md).toContain('the median over runs, in brackets the lowest and highest run');
    expect(md).toContain('- bench nightly: skipped');
  });
});

describe('the same-job latency gate', () => {
  // A deterministic stand-in for run-to-run noise (xorshift), so the test says the same thing every time.
  function noise(seed: number): () => number {
    let x = seed;
    return () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return ((x >>> 0) % 1000) / 1000;
    };
  }
  const program = (r: () => number, tail: number) => ({ p50: 120 + 10 * r(), p99: 150 + 20 * r(), 'p99.9': tail + 40 * r(), max: 20000 + 20000 * r() });

  it('needs 8 rounds for a 99 % interval per percentile (five percentiles: ≥ 95 % for the program)', () => {
    expect(LATENCY_CONFIDENCE).toBe(0.99);
    expect(roundsNeeded(0.99)).toBe(8);
    expect(roundsNeeded(0.95)).toBe(6);
    expect(GATED_STATS).not.toContain('max');
  });

  it('A/A: 50 seeded noisy programs, none called regressed', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const r = noise(seed);
      const rounds = { base: Array.from({ length: 10 }, () => program(r, 160)), head: Array.from({ length: 10 }, () => program(r, 160)) };
      const verdicts = latencyComparisons('lat', rounds, 5).map((c) => c.verdict);
      expect(verdicts).not.toContain('regressed');
    }
  });

  it('an injected tail: p99.9 regressed, p50 and p99 not', () => {
    const r = noise(7);
    const rounds = { base: Array.from({ length: 10 }, () => program(r, 160)), head: Array.from({ length: 10 }, () => program(r, 200_000)) };
    const byId = Object.fromEntries(latencyComparisons('lat', rounds, 5).map((c) => [c.id, c]));
    expect(Object.keys(byId)).toEqual(['lat/p50', 'lat/p99', 'lat/p99.9']);
    expect(byId['lat/p99.9'].verdict).toBe('regressed');
    expect(byId['lat/p99.9'].metrics[0].change.confidence).toBeGreaterThanOrEqual(0.99);
    expect(byId['lat/p50'].verdict).not.toBe('regressed');
    expect(byId['lat/p99'].verdict).not.toBe('regressed');
  });

  it('too few rounds: no verdict, a note with the number of rounds needed', () => {
    const r = noise(3);
    const rounds = { base: Array.from({ length: 5 }, () => program(r, 160)), head: Array.from({ length: 5 }, () => program(r, 200_000)) };
    const tail = latencyComparisons('lat', rounds, 5).find((c) => c.id === 'lat/p99.9')!;
    expect(tail.verdict).toBe('no significant change');
    expect(tail.note).toMatch(/not enough rounds to decide: 5 rounds reach 93\.8 %, 8 are needed for 99 %/);
  });
});
