import * as fs from 'node:fs';
import * as path from 'node:path';
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
  const withTargets = (targets: Record<string, string>) => ({
    ...ws.context('tiny-app'),
    projectsConfigurations: { version: 2, projects: { 'tiny-app': { root: 'rust/tiny-app', targets: Object.fromEntries(Object.entries(targets).map(([n, e]) => [n, { executor: e, options: {} }])) } } },
  });

  test('[perf-report-missing-build-target] pgo+bolt without a build-bolt target fails before building anything, naming what to add; nothing is published', async () => {
    const r = await perfReport(options(['pgo+bolt']), ws.context('tiny-app'));
    expect(r.success).toBe(false);
    expect(logs.join('\n')).toContain("perf-report's pgo+bolt configuration needs the output of a rust-perf:build-bolt target, and tiny-app has none");
    expect(fs.existsSync(path.join(ws.root, 'dist/perf-report'))).toBe(false);
  });

  test('[perf-report-no-nx] a workspace without an installed nx says how to install it, before any cargo build', async () => {
    const r = await perfReport(options(['release', 'pgo']), withTargets({ 'build-release': 'rust-perf:build-release', 'build-pgo': 'rust-perf:build-pgo', 'build-native': 'rust-perf:build-native' }));
    expect(r.success).toBe(false);
    const out = logs.join('\n');
    expect(out).toContain('nx targets for release, pgo: build-release, build-pgo');
    expect(out).toContain('perf-report runs build-release, build-pgo through Nx, and no nx package is installed in');
    expect(out).toContain('npm install --save-dev nx');
    expect(out).not.toContain('build-native');
    expect(out).not.toContain('$ cargo');
  });
});
