import * as fs from 'node:fs';
import * as path from 'node:path';
import * as rustc from '../../core/toolchain/rustc';
import perfReport from './executor';
import { captureConsole, createTinyWorkspace, type TinyWorkspace } from '../shared/__fixtures__/tiny-workspace';

// perf-report runs the build targets of the configurations asked for (core/report/plan.ts), through Nx.
describe('perf-report builds only what is asked for', () => {
  let ws: TinyWorkspace;
  const logs = captureConsole();
  beforeAll(() => {
    ws = createTinyWorkspace();
  });
  afterAll(() => ws.cleanup());
  const options = (configurations: string[]) => ({ cargoRoot: 'rust', package: 'tiny-app', outputPath: 'dist/perf-report/tiny-app', workload: [{ bin: 'tiny-app', args: ['1000'] }], configurations, count: false, runs: 1 });

  test('[perf-report-missing-build-target] pgo+bolt without a build-bolt target fails before building anything, naming what to add; nothing is published', async () => {
    const r = await perfReport(options(['pgo+bolt']), ws.context('tiny-app'));
    expect(r.success).toBe(false);
    expect(logs.join('\n')).toContain("perf-report's pgo+bolt configuration needs the output of a rust-perf:build-bolt target, and tiny-app has none");
    expect(fs.existsSync(path.join(ws.root, 'dist/perf-report'))).toBe(false);
  });

  test('a run asks rustc -vV once: its own builds plan their rustflags with the run context', async () => {
    const asks = jest.spyOn(rustc, 'rustcInfo');
    try {
      const r = await perfReport(options(['dev']), ws.context('tiny-app'));
      expect(r.success).toBe(true);
      expect(asks).toHaveBeenCalledTimes(1);
      expect(fs.existsSync(path.join(ws.root, 'dist/perf-report/tiny-app/report.json'))).toBe(true);
    } finally {
      asks.mockRestore();
    }
  });
});
