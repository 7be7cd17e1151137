import * as fs from 'node:fs';
import * as path from 'node:path';
import perfReport from './executor';
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
