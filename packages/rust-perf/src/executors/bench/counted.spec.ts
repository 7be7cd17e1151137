import type { ExecutorContext } from '@nx/devkit';
import { logger } from '../shared/log';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import benchExecutor from './executor';

// `metric: "instructions"` through the executor's one hook: the failures that come before any build.
describe('bench executor, counted mode', () => {
  let root: string;
  let errors: string[];
  const saved = process.env.RUST_PERF_VALGRIND;
  const context = (): ExecutorContext =>
    ({ root, cwd: root, isVerbose: false, projectName: 'md', targetName: 'bench', projectsConfigurations: { version: 2, projects: {} } }) as unknown as ExecutorContext;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-bench-counted-'));
    errors = [];
    jest.spyOn(logger, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    if (saved === undefined) delete process.env.RUST_PERF_VALGRIND;
    else process.env.RUST_PERF_VALGRIND = saved;
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('[exec-bench-count-valgrind-missing] fails before building, naming valgrind and its package', async () => {
    process.env.RUST_PERF_VALGRIND = path.join(root, 'no-valgrind');
    expect(await benchExecutor({ cargoRoot: 'rust', package: 'md', metric: 'instructions' }, context())).toEqual({ success: false });
    expect(errors.join('\n')).toBe(`rust-perf bench failed: ${path.join(root, 'no-valgrind')} was not found on PATH. Fix: apt-get install valgrind`);
    expect(fs.existsSync(path.join(root, 'dist'))).toBe(false);
  });

  it('[exec-bench-metric-mismatch] refuses a wall-time summary.json as a counted baseline, naming the file', async () => {
    fs.writeFileSync(path.join(root, 'prev.json'), JSON.stringify({ schemaVersion: 1, metric: 'wall', benchmarks: [] }));
    expect(await benchExecutor({ cargoRoot: 'rust', package: 'md', metric: 'instructions', baseline: 'prev.json' }, context())).toEqual({ success: false });
    expect(errors.join('\n')).toContain(`${path.join(root, 'prev.json')}: its benchmarks are wall time (nanoseconds), this run counts instructions`);
  });

  it('refuses a criterion baseline name in counted mode', async () => {
    expect(await benchExecutor({ cargoRoot: 'rust', package: 'md', metric: 'instructions', baseline: 'main' }, context())).toEqual({ success: false });
    expect(errors.join('\n')).toContain('"baseline": "main" names a criterion baseline; counted runs compare with a summary.json');
  });
});
