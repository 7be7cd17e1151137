import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { countVectorInstructions, eta, parseThroughput, renderMarkdown, renderSvg, reportRepeatability, spread, REPORT_COLUMNS, type ConfigResult, type CountedRuns, type Report } from './report';

function config(name: string, runtime: number[], bytes: number, build: number): ConfigResult {
  return { name, description: `${name} build`, buildSeconds: build, buildKind: 'cold', source: 'built by perf-report', binaryBytes: bytes, runtimeSeconds: spread(runtime), ymmInstructions: name.includes('native') ? 40 : 0, zmmInstructions: 0 };
}

const report: Report = {
  schemaVersion: 1,
  project: 'market-data',
  createdAt: '2026-11-25T00:00:00.000Z',
  machine: { cpu: 'Test CPU', cores: 2, rustc: 'rustc 1.95.0' },
  workload: 'market-data --synthetic 2000000',
  runs: 3,
  baseline: 'release',
  configs: [config('dev', [9, 10, 11], 9e6, 10), config('release', [2, 2.2, 2.1], 1e6, 40), config('release+native', [1.8, 1.9, 2.0], 1.1e6, 42)],
};

describe('report', () => {
  it('spread gives median, min, max', () => {
    expect(spread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, n: 3 });
    expect(spread([4, 1, 2, 3])).toEqual({ median: 2.5, min: 1, max: 4, n: 4 });
    expect(() => spread([])).toThrow('no measurements');
  });

  it.each([
    ['processed 2000000 msgs in 1.234 s: 1620000 msgs/s', { value: 1620000, unit: 'msgs/s' }],
    ['routed 1,000,000 orders: 812,345.5 orders/s (checksum 1f)', { value: 812345.5, unit: 'orders/s' }],
    ['no rate here', undefined],
  ])('parseThroughput(%j)', (text, expected) => expect(parseThroughput(text)).toEqual(expected));

  it('counts ymm and zmm instructions in objdump output', () => {
    const dis = ['  401000:\tvmovdqu %ymm0,(%rax)', '  401004:\tvpaddd %zmm1,%zmm2,%zmm3', '  401008:\tmov %rax,%rbx', 'Disassembly of section .text: %ymm'].join('\n');
    expect(countVectorInstructions(dis)).toEqual({ ymm: 1, zmm: 1 });
  });

  it('renders the seed-shaped table with changes against the baseline', () => {
    const md = renderMarkdown(report);
    expect(md).toContain('| configuration | compile time | binary size | runtime |');
    expect(md).toContain('| release | 40.0 s cold | 1.00 MB (+0.0%) | 2.100 s (2.000 s–2.200 s) (+0.0%) |');
    expect(md).toContain('| dev | 10.0 s cold (-75.0%) | 9.00 MB (+800.0%) | 10.0 s (9.000 s–11.0 s) (+376.2%) |');
    expect(md).toMatch(/\| release\+native .* \| AVX \(40 ymm\) \|/);
  });

  it('renders a valid SVG with every configuration labelled in both panels', () => {
    const svg = renderSvg(report);
    expect(XMLValidator.validate(svg)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(svg) as { svg: { rect: unknown[]; text: Array<string | { '#text': string }> } };
    const texts = doc.svg.text.map((t) => (typeof t === 'string' ? t : t['#text']));
    for (const name of ['dev', 'release', 'release+native']) expect(texts.filter((t) => t === name)).toHaveLength(2);
    expect(texts).toContain('2.100 s (+0.0%)');
    expect(doc.svg.rect).toHaveLength(1 + 2 * 3);
    // One min–max whisker per runtime bar.
    expect((doc.svg as unknown as { line: unknown[] }).line).toHaveLength(3);
  });

  it('estimates the remaining time from finished runs', () => {
    expect(eta([2, 4], 5)).toBe(15);
    expect(eta([], 5)).toBe(0);
  });

  describe('with counted columns', () => {
    // Two runs per binary; the instruction pairs are FINDINGS.md's measured market-data counts (release, pgo) with a run-to-run wobble of that size.
    const twice = (r: CountedRuns) => r;
    const releaseRuns = twice({ instructions: [1_706_959_107, 1_706_961_000], estimatedCycles: [2_000_000_000, 2_000_000_000], branchMispredicts: [16_160_000, 16_160_000], llMisses: [1000, 1000] });
    const pgoRuns = twice({ instructions: [1_314_411_604, 1_314_411_700], estimatedCycles: [1_500_000_000, 1_500_000_000], branchMispredicts: [14_210_000, 14_210_000], llMisses: [900, 900] });
    const configs: ConfigResult[] = [
      { ...config('release', [2, 2.2, 2.1], 1e6, 40), peakRssKiB: spread([10240, 10300, 10400]), counted: { instructions: 1_706_960_054, estimatedCycles: 2_000_000_000, branchMispredicts: 16_160_000, llMisses: 1000, l1Misses: 50_000, allocations: 1200, bytesAllocated: 4_000_000, peakHeapBytes: 3 * 1024 * 1024, runs: releaseRuns } },
      { ...config('release+native', [1.8, 1.9, 2.0], 1.1e6, 42), counted: { instructions: 1_706_960_054, estimatedCycles: 2_000_000_000, branchMispredicts: 16_160_000, llMisses: 1000, l1Misses: 50_000, sameBinaryAs: 'release', runs: releaseRuns } },
      { ...config('pgo', [1.5, 1.6, 1.7], 1e6, 60), counted: { instructions: 1_314_411_652, estimatedCycles: 1_500_000_000, branchMispredicts: 14_210_000, llMisses: 900, l1Misses: 52_000, allocations: 1200, peakHeapBytes: 3 * 1024 * 1024, runs: pgoRuns } },
      { ...config('pgo+native', [1.4, 1.5, 1.6], 1e6, 60), counted: { notCounted: 'valgrind: Unrecognised instruction at address 0x11c760 | odd' } },
    ];
    const counted: Report = {
      ...report,
      configs,
      counting: { cpu: 'x86-64-v3', args: ['--synthetic', '200000'], argsSource: 'Cargo.toml [package.metadata.rust-perf] countArgs', tool: 'valgrind-3.19.0 (cachegrind + DHAT)', cacheGeometry: 'L1 32 KiB', formula: 'L1 hits + 5 × LL hits + 35 × RAM accesses', runs: 2, repeatability: reportRepeatability(configs) },
      columns: REPORT_COLUMNS,
    };
    // OrderBook-rs's workload (5 s on 30 threads): two counts of one binary 241.88 M and 219.31 M.
    const noisyConfigs: ConfigResult[] = configs.map((c) =>
      c.name === 'release' ? { ...c, counted: { ...(c.counted as object), instructions: 230_595_000, runs: { ...releaseRuns, instructions: [241_880_000, 219_310_000] } } as ConfigResult['counted'] } : c,
    );
    const noisy: Report = { ...counted, configs: noisyConfigs, counting: { ...counted.counting!, repeatability: reportRepeatability(noisyConfigs) } };

    it('a fixed-work workload: each count with its runs\' spread and changes against the baseline, and peak RSS with spread', () => {
      expect(counted.counting!.repeatability).toMatchObject({ fixedWork: true, runs: 2, worst: { name: 'release' } });
      const md = renderMarkdown(counted);
      expect(md).toContain('| configuration | compile time | binary size | runtime | throughput (median) | vector instructions | peak RSS |');
      expect(md).toMatch(/^\| release \| .* \| 10\.1 MiB \(10\.0 MiB–10\.2 MiB\) \|$/m);
      expect(md).toContain('## Counted work (fixed-work: counts repeat)');
      expect(md).toContain('Each configuration counted 2 times under valgrind-3.19.0');
      expect(md).toContain('fixed-work: counts of one binary repeat within 0.0001 % over 2 runs each (most: release), under the 0.5 % noise floor');
      expect(md).not.toContain('0.1 %');
      expect(md).toContain('built for `-C target-cpu=x86-64-v3`');
      expect(md).toContain('workload args `--synthetic 200000` (from Cargo.toml [package.metadata.rust-perf] countArgs)');
      expect(md).toContain('Estimated cycles: L1 hits + 5 × LL hits + 35 × RAM accesses.');
      expect(md).toContain('| configuration | instructions (median) | instructions: runs (spread) | estimated cycles | branch mispredicts | LL misses | allocations | peak heap |');
      expect(md).toContain('| release | 1.707 G (baseline) | 1.707 G – 1.707 G (0.0001 %) | 2.000 G (baseline) | 16.16 M (baseline) | 1000 (baseline) | 1200 (+0.0%) | 3.0 MiB (+0.0%) |');
      expect(md).toContain('| pgo | 1.314 G (-23.0%) | 1.314 G – 1.314 G (0.000007 %) | 1.500 G (-25.0%) | 14.21 M (-12.1%) | 900 (-10.0%) | 1200 (+0.0%) | 3.0 MiB (+0.0%) |');
      expect(md).toContain("| release+native (counted binary = release's) | 1.707 G (+0.0%, within the runs' spread) |");
      expect(md).toContain('| pgo+native | not counted: valgrind: Unrecognised instruction at address 0x11c760 \\| odd | | | | | | |');
    });

    it('not fixed-work (one binary\'s counts 10 % apart): the spread is shown and no change is called', () => {
      expect(noisy.counting!.repeatability).toMatchObject({ fixedWork: false, worst: { name: 'release' } });
      const md = renderMarkdown(noisy);
      expect(md).toContain('## Counted work (not fixed-work: no verdict)');
      expect(md).toContain('**not fixed-work, no verdict: counts of one binary differ by 9.79 % (release: 219.31 M – 241.88 M (9.79 %)), above the 0.5 % noise floor.');
      expect(md).toContain('| release | 230.59 M (baseline) | 219.31 M – 241.88 M (9.79 %) | 2.000 G (baseline) | 16.16 M (baseline) | 1000 (baseline) | 1200 (no verdict) | 3.0 MiB (no verdict) |');
      expect(md).toMatch(/^\| pgo \| 1\.314 G \(no verdict\) \|/m);
      // No percentage anywhere in the counted table.
      const table = md.slice(md.indexOf('## Counted work'));
      expect(table.slice(0, table.indexOf('\n- **'))).not.toMatch(/\([+-]\d+\.\d%\)/);
      const svg = renderSvg(noisy);
      expect(svg).toContain('1.500 G est. cycles (no verdict)');
      expect(svg).toContain('counted at x86-64-v3, not fixed-work: no verdict');
    });

    it('still renders when no configuration could be counted (valgrind missing)', () => {
      const reason = 'valgrind was not found on PATH. Fix: apt-get install valgrind';
      const noneConfigs: ConfigResult[] = counted.configs.map((c) => ({ ...c, counted: { notCounted: reason } }));
      const none: Report = { ...counted, configs: noneConfigs, counting: { ...counted.counting!, repeatability: reportRepeatability(noneConfigs) } };
      const md = renderMarkdown(none);
      expect(md).toContain('No configuration could be counted (each row says why)');
      expect(md).toContain(`| release | not counted: ${reason} | | | | | | |`);
      const svg = renderSvg(none);
      expect(XMLValidator.validate(svg)).toBe(true);
      expect(svg.match(/>not counted</g)).toHaveLength(4);
    });

    it('draws the estimated-cycles bar beside each runtime bar, and says which configuration was not counted', () => {
      const svg = renderSvg(counted);
      expect(XMLValidator.validate(svg)).toBe(true);
      const doc = new XMLParser({ ignoreAttributes: false }).parse(svg) as { svg: { rect: Array<Record<string, string>>; text: Array<string | { '#text': string }> } };
      const texts = doc.svg.text.map((t) => (typeof t === 'string' ? t : t['#text']));
      expect(texts).toContain('1.500 G est. cycles (-25.0%)');
      expect(texts).toContain('not counted');
      expect(texts.some((t) => /^Runtime \(wall time.*estimated cycles \(counted at x86-64-v3, fixed-work\)/.test(t))).toBe(true);
      // background + 4 runtime bars + 3 counted cycle bars + 4 size bars
      expect(doc.svg.rect).toHaveLength(1 + 4 + 3 + 4);
      const green = doc.svg.rect.filter((r) => r['@_fill'] === '#2e9e5b');
      const blue = doc.svg.rect.filter((r) => r['@_fill'] === '#3b7dd8');
      // Non-baseline bars in order release+native, pgo (pgo+native has no cycles bar): each cycles bar
      // sits right below its runtime bar, in the same row.
      expect(green).toHaveLength(2);
      for (const i of [0, 1]) expect(Number(green[i]['@_y']) - Number(blue[i]['@_y'])).toBe(18);
    });
  });
});
