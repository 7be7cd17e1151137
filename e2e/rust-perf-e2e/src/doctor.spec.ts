// doctor passes on a machine with the tools CI installs, and fails with the fix when PATH
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
    // The huge-page section, with this machine's values read by the test itself.
    const mode = /\[(\w+)\]/.exec(fs.readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))![1];
    const total = /^HugePages_Total:\s+(\d+)/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'))![1];
    expect(result.stdout).toMatch(new RegExp(`pass\\s+thp\\s+THP enabled = ${mode}, defrag = \\S+`));
    expect(result.stdout).toMatch(new RegExp(`hugetlb-pool\\s+vm\\.nr_hugepages = \\d+; HugePages_Total ${total},.* the guide's vm\\.nr_hugepages=1024 would reserve \\d+ MiB`));
    expect(result.stdout).toMatch(/huge-pages:market-data\s+market-data\/market-data: per process, no root: GLIBC_TUNABLES=glibc\.malloc\.hugetlb=1/);
  });

  it('in a "container" without /sys/kernel/mm the huge-page section is a note, not a failure', async () => {
    const sys = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-sys-'));
    try {
      const result = await ws.nx(['run', 'market-data:doctor', '--skip-nx-cache'], { env: { RUST_PERF_SYSFS: sys } });
      expect(result.stdout).toMatch(new RegExp(`note\\s+thp\\s+transparent huge pages unknown: ${sys}/kernel/mm/transparent_hugepage/enabled is not readable`));
      expect(result.stdout).toMatch(/note\s+huge-pages:market-data\s+market-data\/market-data: THP is not readable here; where the host allows it, per process: GLIBC_TUNABLES=/);
      expect(result.stdout).toMatch(/\d+ passed, \d+ warnings, 0 failed/);
    } finally {
      fs.rmSync(sys, { recursive: true, force: true });
    }
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
