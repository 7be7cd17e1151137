import { logger, type ExecutorContext } from '@nx/devkit';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import benchExecutor from './executor';

// Real cargo (metadata only, no compilation) on temporary packages: the error paths a user meets first.
describe('bench executor', () => {
  let root: string;
  let errors: string[];
  const context = (): ExecutorContext =>
    ({ root, cwd: root, isVerbose: false, projectName: 'md', targetName: 'bench', projectsConfigurations: { version: 2, projects: {} } }) as unknown as ExecutorContext;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-bench-exec-'));
    errors = [];
    jest.spyOn(logger, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    const crate = path.join(root, 'rust', 'md');
    fs.mkdirSync(path.join(crate, 'src'), { recursive: true });
    fs.mkdirSync(path.join(crate, 'benches'), { recursive: true });
    fs.writeFileSync(path.join(root, 'rust', 'Cargo.toml'), '[workspace]\nmembers = ["md"]\nresolver = "2"\n');
    fs.writeFileSync(path.join(crate, 'Cargo.toml'), '[package]\nname = "md"\nversion = "0.1.0"\nedition = "2021"\n');
    fs.writeFileSync(path.join(crate, 'src', 'lib.rs'), 'pub fn f() {}\n');
    // Auto-discovered bench: cargo's default harness is libtest.
    fs.writeFileSync(path.join(crate, 'benches', 'old.rs'), '#![feature(test)]\n');
  });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('explains that libtest benches are not supported', async () => {
    expect(await benchExecutor({ cargoRoot: 'rust', package: 'md' }, context())).toEqual({ success: false });
    expect(errors.join('\n')).toContain('package `md` has only libtest benches (old)');
    expect(errors.join('\n')).toContain('harness = false');
  });

  it('names the Cargo workspace when the package does not exist', async () => {
    expect(await benchExecutor({ cargoRoot: 'rust', package: 'nope' }, context())).toEqual({ success: false });
    expect(errors.join('\n')).toContain(`${path.join(root, 'rust')}/Cargo.toml: the Cargo workspace has no package \`nope\` (packages: md)`);
  });

  it('rejects a malformed baseline summary with file:line:col before running anything', async () => {
    fs.writeFileSync(path.join(root, 'prev.json'), '{\n  "schemaVersion": 1,\n  "benchmarks": [}\n');
    expect(await benchExecutor({ cargoRoot: 'rust', package: 'md', baseline: 'prev.json' }, context())).toEqual({ success: false });
    expect(errors.join('\n')).toContain(`${path.join(root, 'prev.json')}:3:18: invalid JSON: unexpected "}"`);
  });

  it('names a missing baseline file', async () => {
    expect(await benchExecutor({ cargoRoot: 'rust', package: 'md', baseline: 'dist/main/summary.json' }, context())).toEqual({ success: false });
    expect(errors.join('\n')).toContain(`baseline file ${path.join(root, 'dist/main/summary.json')} does not exist`);
  });

  it('refuses combining a criterion baseline with saveBaseline', async () => {
    expect(await benchExecutor({ cargoRoot: 'rust', package: 'md', baseline: 'main', saveBaseline: 'next' }, context())).toEqual({ success: false });
    expect(errors.join('\n')).toContain('cannot be combined');
  });
});
