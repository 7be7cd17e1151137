import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { countVectorInstructions, eta, parseThroughput, renderMarkdown, renderSvg, spread, type ConfigResult, type Report } from './report';

function config(name: string, runtime: number[], bytes: number, build: number): ConfigResult {
  return { name, description: `${name} build`, buildSeconds: build, source: 'built by perf-report', binaryBytes: bytes, runtimeSeconds: spread(runtime), ymmInstructions: name.includes('native') ? 40 : 0, zmmInstructions: 0 };
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
    expect(md).toContain('| release | 40.0 s (+0.0%) | 1.00 MB (+0.0%) | 2.100 s (2.000 s–2.200 s) (+0.0%) |');
    expect(md).toContain('| dev | 10.0 s (-75.0%) | 9.00 MB (+800.0%) | 10.0 s (9.000 s–11.0 s) (+376.2%) |');
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
});
