import * as fs from 'node:fs';
import * as path from 'node:path';
import perfReport from './executor';
import { run } from '../../core/process/run';
import { captureConsole, createTinyWorkspace, type TinyWorkspace } from '../shared/__fixtures__/tiny-workspace';

// pgo+bolt is measured only when asked for by name, from build-bolt's output (perf-report does not depend on it).
describe('perf-report pgo+bolt', () => {
  let ws: TinyWorkspace;
  const logs = captureConsole();
  beforeAll(() => {
    ws = createTinyWorkspace();
  });
  afterAll(() => ws.cleanup());

  test('without a build-bolt output it fails before building anything, naming the target to run; nothing is published', async () => {
    const r = await perfReport(
      { cargoRoot: 'rust', package: 'tiny-app', outputPath: 'dist/perf-report/tiny-app', workload: [{ bin: 'tiny-app', args: ['1000'] }], configurations: ['pgo+bolt'], count: false, runs: 1 },
      ws.context('tiny-app'),
    );
    expect(r.success).toBe(false);
    expect(logs.join('\n')).toContain('dist/rust/tiny-app/bolt/tiny-app is missing: run `nx run tiny-app:build-bolt` before a perf-report with pgo+bolt.');
    expect(fs.existsSync(path.join(ws.root, 'dist/perf-report'))).toBe(false);
  });
});

// thp runs release's binary with its allocator's huge-page switch; where no switch can work, it says why.
describe('perf-report thp', () => {
  let ws: TinyWorkspace;
  const logs = captureConsole();
  const fixtures = path.join(__dirname, '../../core/memory/__fixtures__');
  const options = (configurations: string[]) => ({ cargoRoot: 'rust', package: 'tiny-app', outputPath: 'dist/perf-report/tiny-app', workload: [{ bin: 'tiny-app', args: ['200000'] }], configurations, count: false, runs: 1 });
  beforeAll(async () => {
    ws = createTinyWorkspace();
    // build-release's output, as perf-report reuses it.
    const r = await run('cargo', ['build', '--release', '--offline', '-p', 'tiny-app'], { cwd: ws.cargoRoot, env: { CARGO_TARGET_DIR: path.join(ws.root, 'target') } });
    expect(r.exitCode).toBe(0);
    fs.mkdirSync(path.join(ws.root, 'dist/rust/tiny-app/release'), { recursive: true });
    fs.copyFileSync(path.join(ws.root, 'target/release/tiny-app'), path.join(ws.root, 'dist/rust/tiny-app/release/tiny-app'));
  });
  afterAll(() => ws.cleanup());
  afterEach(() => {
    delete process.env.RUST_PERF_SYSFS;
  });

  test('[report-thp-not-applicable] THP `never`: no thp row, the memory section says why; thp alone fails and publishes nothing', async () => {
    process.env.RUST_PERF_SYSFS = path.join(fixtures, 'host-never/sys');
    expect((await perfReport(options(['release', 'thp']), ws.context('tiny-app'))).success).toBe(true);
    const report = JSON.parse(fs.readFileSync(path.join(ws.root, 'dist/perf-report/tiny-app/report.json'), 'utf8')) as { configs: Array<{ name: string; hugePages?: unknown }>; memory: { thp: string; asked: { notApplicable: string } } };
    expect(report.configs.map((c) => c.name)).toEqual(['release']);
    expect(report.memory.thp).toBe('enabled = never, defrag = never');
    expect(report.memory.asked.notApplicable).toMatch(/^THP is `never` on this machine: no per-process setting can get huge pages/);
    expect(logs.join('\n')).toContain('thp: not applicable: THP is `never` on this machine');
    fs.rmSync(path.join(ws.root, 'dist/perf-report'), { recursive: true, force: true });
    expect((await perfReport(options(['thp']), ws.context('tiny-app'))).success).toBe(false);
    expect(logs.join('\n')).toContain('nothing to measure: thp is not applicable: THP is `never` on this machine');
    expect(fs.existsSync(path.join(ws.root, 'dist/perf-report'))).toBe(false);
  });

  test('THP `madvise` (this VM\'s files): the system allocator gets glibc\'s switch', async () => {
    process.env.RUST_PERF_SYSFS = path.join(fixtures, 'host-madvise/sys');
    expect((await perfReport(options(['release', 'thp']), ws.context('tiny-app'))).success).toBe(true);
    const report = JSON.parse(fs.readFileSync(path.join(ws.root, 'dist/perf-report/tiny-app/report.json'), 'utf8')) as { configs: Array<{ name: string; environment?: Record<string, string>; hugePages?: { sharePct: { n: number } } }>; memory: { allocator: string } };
    expect(report.configs.map((c) => c.name)).toEqual(['release', 'thp']);
    expect(report.memory.allocator).toBe("the system allocator (glibc's malloc)");
    expect(report.configs[1].environment).toEqual({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' });
    expect(fs.readFileSync(path.join(ws.root, 'dist/perf-report/tiny-app/report.md'), 'utf8')).toContain('## Memory: huge pages');
  });
});
