// Issue 7: perf-report measures every configuration on the example's own workload and writes
// report.json, report.md and a valid SVG chart, every number measured.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { createWorkspace, type TestWorkspace } from './harness';

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

  it('writes report.json, report.md and report.svg for every configuration, the allocator with and without', async () => {
    // Counting is counted.spec's subject; here the seven wall-time configurations (saves their valgrind runs in CI).
    const result = await ws.nx(['run', 'execution-engine:perf-report', '--runs=3', '--count=false']);
    expect(result.stdout).toMatch(/about .* left/);
    const report = JSON.parse(ws.read('dist/perf-report/execution-engine/report.json')) as Report;
    expect(report.configs.map((c) => c.name)).toEqual(['dev', 'release', 'release+system-alloc', 'release+native', 'release+fat-lto', 'pgo', 'pgo+native']);
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
    expect(md.match(/^\| (dev|release|release\+system-alloc|release\+native|release\+fat-lto|pgo|pgo\+native) \|/gm)).toHaveLength(7);
    // jemalloc is linked into release (its messages are in the stripped binary too) and makes it larger
    // than the system-allocator build of the same code.
    expect(fs.readFileSync(path.join(ws.root, 'dist/rust/execution-engine/release/execution-engine')).includes('<jemalloc>')).toBe(true);
    expect(byName.release.binaryBytes).toBeGreaterThan(byName['release+system-alloc'].binaryBytes + 100_000);
    const svg = ws.read('dist/perf-report/execution-engine/report.svg');
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain('pgo+native');
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
});
