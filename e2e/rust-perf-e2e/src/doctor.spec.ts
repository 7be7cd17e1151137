// Issue 7: doctor passes on a machine with the tools CI installs, and fails with the fix when PATH
// hides llvm-profdata.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createWorkspace, type TestWorkspace } from './harness';

interface Report {
  exitCode: number;
  checks: Array<{ id: string; status: string; fix?: string }>;
}

describe('doctor', () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await createWorkspace({ registerPlugin: true });
  });
  afterAll(() => ws?.cleanup());

  it('`nx run market-data:doctor` passes here and reports each check', async () => {
    const result = await ws.nx(['run', 'market-data:doctor']);
    expect(result.stdout).toMatch(/pass\s+llvm-profdata\s+\S+llvm-profdata\S* is LLVM \d+/);
    expect(result.stdout).toMatch(/pass\s+linker/);
    expect(result.stdout).toMatch(/\d+ passed, \d+ warnings, 0 failed/);
  });

  it('`rust-perf doctor --json` fails with the fix when PATH hides llvm-profdata', async () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-path-'));
    try {
      for (const tool of ['rustc', 'cargo']) fs.symlinkSync(path.join(os.homedir(), '.cargo', 'bin', tool), path.join(bin, tool));
      const cli = path.join(ws.root, 'node_modules', 'rust-perf', 'bin', 'rust-perf.js');
      const result = await ws.exec(process.execPath, [cli, 'doctor', '--json'], { env: { PATH: bin }, allowFailure: true });
      expect(result.exitCode).toBe(1);
      const report = JSON.parse(result.stdout) as Report;
      expect(report.checks.find((c) => c.id === 'llvm-profdata')).toMatchObject({ status: 'fail', fix: expect.stringMatching(/apt-get install llvm-\d+/) });
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});
