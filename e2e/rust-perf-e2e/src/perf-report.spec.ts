// perf-report measures the configurations asked for on the example's own workload and writes
// report.json, report.md and a valid SVG chart, every number measured.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { createWorkspace, repoRoot, type TestWorkspace } from './harness';

const started = Date.now();
afterAll(() => console.log(`perf-report.spec: ${((Date.now() - started) / 1000).toFixed(1)} s`));

interface Report {
  runs: number;
  configs: Array<{ name: string; binaryBytes: number; buildSeconds: number | null; buildKind?: string; runtimeSeconds: { median: number; min: number; max: number; n: number }; throughput?: { median: number; unit: string }; ymmInstructions: number }>;
}

describe('perf-report', () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await createWorkspace({ registerPlugin: true, init: true });
    await ws.nx(['g', 'rust-perf:allocator', '--project=execution-engine']);
  });
  afterAll(() => ws?.cleanup());

  // The rows this test's assertions read. The default matrix (all seven rows) is not built here: which
  // rows a run chooses and each row's build (profile, rustflags, features, LTO, PGO) are unit-tested in
  // core/report/configurations.spec.ts, and `npm run demo:full` runs it whole. Each row perf-report
  // builds itself is a cold build in a target dir of its own (its compile-time column), so every row
  // asked for here costs a full build; pgo is asked for (through build-pgo) by the next test.
  const ASKED = ['dev', 'release', 'release+system-alloc', 'release+native'];

  it('writes report.json, report.md and report.svg: dev against release, native code, the allocator with and without', async () => {
    // Counting is counted.spec's subject; here wall time only (saves the valgrind runs in CI).
    const result = await ws.nx(['run', 'execution-engine:perf-report', `--configurations=${ASKED.join(',')}`, '--runs=3', '--count=false']);
    expect(result.stdout).toMatch(/about .* left/);
    const report = JSON.parse(ws.read('dist/perf-report/execution-engine/report.json')) as Report;
    expect(report.configs.map((c) => c.name)).toEqual(ASKED);
    for (const c of report.configs) {
      expect(c.runtimeSeconds.n).toBe(3);
      expect(c.runtimeSeconds.min).toBeGreaterThan(0);
      expect(c.runtimeSeconds.min).toBeLessThanOrEqual(c.runtimeSeconds.median);
      expect(c.binaryBytes).toBeGreaterThan(10_000);
      expect(c.buildSeconds).toBeGreaterThan(0);
      expect(c.throughput?.unit).toMatch(/\/s$/);
    }
    const byName = Object.fromEntries(report.configs.map((c) => [c.name, c]));
    // The dev profile is unoptimized: it must be the slowest, whatever the machine's noise.
    expect(byName.dev.runtimeSeconds.median).toBeGreaterThan(byName.release.runtimeSeconds.median);
    expect(byName['release+native'].ymmInstructions).toBeGreaterThan(0);
    const md = ws.read('dist/perf-report/execution-engine/report.md');
    expect(md).toContain('| configuration | compile time | binary size | runtime |');
    expect(md.match(/^\| (dev|release|release\+system-alloc|release\+native|release\+fat-lto|pgo|pgo\+native) \|/gm)).toEqual(ASKED.map((name) => `| ${name} |`));
    // jemalloc is linked into release (its messages are in the stripped binary too) and makes it larger
    // than the system-allocator build of the same code.
    expect(fs.readFileSync(path.join(ws.root, 'dist/rust/execution-engine/release/execution-engine')).includes('<jemalloc>')).toBe(true);
    expect(byName.release.binaryBytes).toBeGreaterThan(byName['release+system-alloc'].binaryBytes + 100_000);
    const svg = ws.read('dist/perf-report/execution-engine/report.svg');
    expect(XMLValidator.validate(svg)).toBe(true);
    // The chart labels every row it was asked for.
    for (const name of ASKED) expect(svg).toContain(`text-anchor="end">${name}</text>`);
  });

  it('[perf-report-only-asked] with --configurations=release,pgo runs only build-release and build-pgo (and pgo-profile before it), and marks each compile time', async () => {
    const result = await ws.nx(['run', 'execution-engine:perf-report', '--configurations=release,pgo', '--runs=1', '--count=false']);
    const out = result.stdout + result.stderr;
    expect(out).toContain('nx targets for release, pgo: build-release, build-pgo');
    for (const t of ['build-release', 'pgo-profile', 'build-pgo']) expect(out).toMatch(new RegExp(`nx run execution-engine:${t}\\b`));
    // Neither build-native (70 s in the issue) nor any build of perf-report's own (those use target/rust-perf/report/<name>).
    expect(out).not.toMatch(/build-native|target-cpu=native|rust-perf\/report\//);
    const report = JSON.parse(ws.read('dist/perf-report/execution-engine/report.json')) as Report;
    expect(report.configs.map((c) => c.name)).toEqual(['release', 'pgo']);
    for (const c of report.configs) expect(['cold', 'incremental']).toContain(c.buildKind);
    // A change is printed only between two cold builds.
    const pgoRow = ws.read('dist/perf-report/execution-engine/report.md').split('\n').find((l) => l.startsWith('| pgo |')) ?? '';
    expect(pgoRow).toMatch(report.configs.every((c) => c.buildKind === 'cold') ? /^\| pgo \| [\d.]+ s cold \([+-][\d.]+%\) \|/ : /^\| pgo \| [\d.]+ s (cold|incremental) \((compared only when cold|the baseline's build was incremental)\) \|/);
  }, 1_800_000);

  it('thp: the release binary with its allocator\'s own huge-page switch, with the huge-page share, peak RSS and wall spread', async () => {
    const started = Date.now();
    const mode = /\[(\w+)\]/.exec(fs.readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))![1];
    // market-data keeps the system allocator (glibc's switch), execution-engine has jemalloc since beforeAll.
    for (const [project, variable] of [['market-data', 'GLIBC_TUNABLES'], ['execution-engine', '_RJEM_MALLOC_CONF']]) {
      const result = await ws.nx(['run', `${project}:perf-report`, '--configurations=release,thp', '--runs=3', '--count=false']);
      // thp runs release's binary: only build-release runs first.
      expect(result.stdout + result.stderr).toContain('nx targets for release, thp: build-release');
      const report = JSON.parse(ws.read(`dist/perf-report/${project}/report.json`)) as Report & {
        configs: Array<{ name: string; environment?: Record<string, string>; peakRssKiB?: { n: number }; hugePages?: { sharePct: { median: number; min: number; max: number; n: number }; anonymousKiB: { median: number } } }>;
        memory?: { thp: string; asked: { how?: string }; pageFaults: { byConfig?: Record<string, { min: number; max: number }> } };
      };
      expect(report.configs.map((c) => c.name)).toEqual(['release', 'thp']);
      const [release, thp] = report.configs;
      expect(Object.keys(thp.environment ?? {})).toEqual([variable]);
      expect(report.memory?.thp).toMatch(new RegExp(`^enabled = ${mode}, defrag = `));
      for (const c of [release, thp]) {
        expect(c.runtimeSeconds.n).toBe(3);
        expect(c.peakRssKiB?.n).toBe(3);
        expect(c.hugePages?.sharePct.n).toBe(3);
        expect(c.hugePages!.anonymousKiB.median).toBeGreaterThan(1024);
      }
      // With THP in madvise mode only what asks gets huge pages. jemalloc's thp:always aligns its
      // extents to 2 MiB and gets them in every run; glibc's hugetlb=1 only madvises its mappings, which
      // cover an aligned 2 MiB block in some runs and not others (docs/numbers.md), so no floor for it.
      if (mode === 'madvise') {
        expect(release.hugePages!.sharePct.max).toBeLessThan(5);
        if (project === 'execution-engine') {
          expect(thp.hugePages!.sharePct.min).toBeGreaterThan(50);
          // One fault per 2 MiB instead of 512: counted by the kernel, so it holds on a busy machine.
          const faults = report.memory!.pageFaults.byConfig!;
          expect(faults.thp.max).toBeLessThan(faults.release.min);
        }
      }
      const md = ws.read(`dist/perf-report/${project}/report.md`);
      expect(md).toContain('## Memory: huge pages');
      expect(md).toMatch(/^\| thp \| \d+\.\d %/m);
      expect(md).toMatch(/Counted work \(valgrind\) does not see TLB misses/);
      expect(md).toMatch(/dTLB misses: /);
      expect(md).toMatch(/Page faults \(perf stat -e page-faults, median \(min–max\) of 3 runs each\): release [\d,]+ \([\d,]+–[\d,]+\); thp /);
      expect(result.stdout).toContain('## Memory: huge pages');
    }
    console.log(`perf-report thp (two projects): ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it('[report-thp-not-applicable] with THP `never` (the test root for /sys) thp alone fails with the reason and publishes nothing', async () => {
    const sys = path.join(repoRoot, 'packages/rust-perf/src/core/memory/__fixtures__/host-never/sys');
    fs.rmSync(path.join(ws.root, 'dist/perf-report/market-data'), { recursive: true, force: true });
    const result = await ws.nx(['run', 'market-data:perf-report', '--configurations=thp', '--runs=1', '--count=false'], { env: { RUST_PERF_SYSFS: sys }, allowFailure: true });
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout + result.stderr).toContain('nothing to measure: thp is not applicable: THP is `never` on this machine');
    expect(ws.exists('dist/perf-report/market-data/report.json')).toBe(false);
  });
});
