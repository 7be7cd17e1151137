// The fault catalogue, PGO cases on real cargo + llvm-profdata: workloads that fail, hang, die, exit early;
// Ctrl-C during the instrumented build; missing or mismatched llvm-profdata; hostile argv.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '../core/process/run';
import pgoProfile from '../executors/pgo-profile/executor';
import { captureConsole, hashTree, tempDir } from './__fixtures__/fixtures';
import { createFaultWorkspace, type FaultWorkspace } from './__fixtures__/fault-workspace';

let ws: FaultWorkspace;
let scratch: string;
const saved = { ...process.env };
let out: { text(): string };

beforeAll(async () => {
  ws = createFaultWorkspace();
  scratch = tempDir('rp-rel-pgo-');
  process.env.CARGO_TARGET_DIR = path.join(scratch, 'target');
  process.env.RUST_PERF_CACHE_DIR = path.join(scratch, 'cache');
  delete process.env.RUSTFLAGS;
  delete process.env.CARGO_ENCODED_RUSTFLAGS;
  delete process.env.LLVM_PROFDATA;
  await run('cargo', ['generate-lockfile', '--offline'], { cwd: path.join(ws.root, 'rust') });
});
afterAll(() => {
  process.env = saved;
  ws.cleanup();
  fs.rmSync(scratch, { recursive: true, force: true });
});
beforeEach(() => {
  out = captureConsole();
  jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => jest.restoreAllMocks());

const OUT = 'dist/pgo/fault-app';
type Workload = Record<string, unknown>;
const profile = (workload: Workload[], extra: Record<string, unknown> = {}, project = 'fault-app') =>
  pgoProfile({ cargoRoot: 'rust', package: 'fault-app', outputPath: OUT, workload, ...extra } as never, ws.context(project));
const published = () => (fs.existsSync(path.join(ws.root, OUT)) ? fs.readdirSync(path.join(ws.root, OUT)) : []);

/** Children of this process named `name` (from /proc), to interrupt them like a terminal's Ctrl-C would. */
function childPids(name: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
        const m = /^\d+ \((.*)\) \S+ (\d+)/.exec(stat);
        return m && m[1] === name && Number(m[2]) === process.pid ? [Number(d)] : [];
      } catch {
        return [];
      }
    });
}

describe('pgo-profile: faults', () => {
  it('[exec-ctrl-c-instrumented-build] Ctrl-C during the instrumented build fails and leaves the previous output as it was', async () => {
    fs.mkdirSync(path.join(ws.root, OUT), { recursive: true });
    fs.writeFileSync(path.join(ws.root, OUT, 'fault-app.profdata'), 'previous profile');
    const before = hashTree(ws.root);
    const marker = path.join(scratch, 'build-script-running');
    process.env.RP_SLOW_BUILD = marker;
    try {
      const pending = profile([{ bin: 'fault-app' }]);
      const t0 = Date.now();
      while (!fs.existsSync(marker) && Date.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 100));
      expect(fs.existsSync(marker)).toBe(true);
      // A terminal's Ctrl-C reaches the whole foreground group: cargo and its build script.
      for (const pid of childPids('cargo')) process.kill(pid, 'SIGINT');
      process.kill(Number(fs.readFileSync(marker, 'utf8')), 'SIGINT');
      expect((await pending).success).toBe(false);
    } finally {
      delete process.env.RP_SLOW_BUILD;
    }
    expect(out.text()).toMatch(/cargo build .*(SIGINT|signal)/);
    expect(hashTree(ws.root)).toEqual(before);
    fs.rmSync(path.join(ws.root, OUT), { recursive: true });
  }, 180_000);

  it('[exec-literal-args] project name and workload args with spaces, quotes, ;, $(…) and newlines reach the program literally', async () => {
    const weird = ['two words', `it's "quoted"`, 'a; touch PWNED1', '$(touch PWNED2)', '`touch PWNED3`', 'line1\nline2', '*'];
    const project = `desk "ui"; $(touch PWNED4)`;
    const binOut = path.join(scratch, 'bin-args');
    const cmdOut = path.join(scratch, 'cmd-args');
    const script = 'require("fs").writeFileSync(process.argv[1], process.argv.slice(2).join("\\0"))';
    const r = await profile(
      [
        { bin: 'fault-app', args: ['--args-to', binOut, ...weird] },
        { command: [process.execPath, '-e', script, cmdOut, ...weird] },
      ],
      {},
      project,
    );
    expect(r.success).toBe(true);
    expect(fs.readFileSync(binOut, 'utf8')).toBe(weird.join('\0'));
    expect(fs.readFileSync(cmdOut, 'utf8')).toBe(weird.join('\0'));
    expect(published()).toEqual([`${project}.profdata`]);
    const everywhere = [ws.root, path.join(ws.root, 'rust'), path.join(ws.root, 'rust/fault-app'), process.cwd()];
    expect(everywhere.flatMap((d) => fs.readdirSync(d)).filter((f) => f.startsWith('PWNED'))).toEqual([]);
    fs.rmSync(path.join(ws.root, OUT), { recursive: true });
  }, 180_000);

  it('[exec-workload-nonzero] a workload exiting non-zero fails with its exit code and the fix; nothing published', async () => {
    const r = await profile([{ bin: 'fault-app', args: ['--fail'] }]);
    expect(r.success).toBe(false);
    expect(out.text()).toMatch(/workload `.*fault-app --fail` exited with code 3; fix it or set allowWorkloadFailure/);
    expect(published()).toEqual([]);
  });

  it('[exec-workload-timeout] a workload hanging past timeoutSeconds gets SIGINT, exits through its handler, and its profile is written', async () => {
    const t0 = Date.now();
    const r = await profile([{ bin: 'fault-app', args: ['--hang'], timeoutSeconds: 1 }], { allowWorkloadFailure: true });
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(out.text()).toMatch(/timed out|timeout/i);
    expect(r.success).toBe(true);
    expect(published()).toEqual(['fault-app.profdata']);
    expect(fs.statSync(path.join(ws.root, OUT, 'fault-app.profdata')).size).toBeGreaterThan(0);
    fs.rmSync(path.join(ws.root, OUT), { recursive: true });
  });

  it('[exec-workload-sigkill] a workload killed by SIGKILL writes no profile: a clear error, nothing published', async () => {
    const r = await profile([{ bin: 'fault-app', args: ['--kill-self'] }], { allowWorkloadFailure: true });
    expect(r.success).toBe(false);
    expect(out.text()).toMatch(/No \.profraw files were written to .*\nWorkload: .*fault-app --kill-self/);
    expect(published()).toEqual([]);
  });

  it('[exec-process-exit-panic-abort] std::process::exit in a panic = "abort" build still writes the profile; a panic (abort) does not, and says so', async () => {
    expect((await profile([{ bin: 'fault-app', args: ['--exit-early'] }])).success).toBe(true);
    expect(published()).toEqual(['fault-app.profdata']);
    fs.rmSync(path.join(ws.root, OUT), { recursive: true });
    const r = await profile([{ bin: 'fault-app', args: ['--panic'] }], { allowWorkloadFailure: true });
    expect(r.success).toBe(false);
    expect(out.text()).toMatch(/No \.profraw files were written/);
    expect(published()).toEqual([]);
  });

  it('[exec-llvm-profdata-missing] no llvm-profdata: names rustc\'s LLVM major and the three fixes', async () => {
    const before = hashTree(ws.root);
    process.env.PATH = path.dirname(saved.PATH?.split(':').map((d) => path.join(d, 'cargo')).find((p) => fs.existsSync(p)) ?? '/root/.cargo/bin/cargo');
    try {
      expect((await profile([{ bin: 'fault-app' }])).success).toBe(false);
    } finally {
      process.env.PATH = saved.PATH;
    }
    expect(out.text()).toMatch(/No llvm-profdata for LLVM \d+ \(rustc's LLVM, from `rustc -vV`\) was found\./);
    expect(out.text()).toMatch(/Fix one of:\n {2}1\. rustup component add llvm-tools\n {2}2\. apt-get install llvm-\d+ {3}\(provides llvm-profdata-\d+\)\n {2}3\. set LLVM_PROFDATA=/);
    expect(hashTree(ws.root)).toEqual(before);
  });

  it('[exec-llvm-profdata-wrong-major] an llvm-profdata of another LLVM major is skipped and named; alone it is an error', async () => {
    const llvm14 = '/usr/bin/llvm-profdata';
    const v = await run(llvm14, ['--version'], { cwd: ws.root }).catch(() => undefined);
    const rustcMajor = /LLVM version: (\d+)/.exec((await run('rustc', ['-vV'], { cwd: ws.root })).stdout)![1];
    if (!v || v.stdout.includes(`LLVM version ${rustcMajor}.`)) throw new Error(`${llvm14} must be an LLVM other than ${rustcMajor} for this test`);
    const cargoBin = path.dirname(saved.PATH?.split(':').map((d) => path.join(d, 'cargo')).find((p) => fs.existsSync(p)) ?? '/root/.cargo/bin/cargo');
    const bin = path.join(scratch, 'old-llvm');
    fs.mkdirSync(bin, { recursive: true });
    fs.symlinkSync(llvm14, path.join(bin, 'llvm-profdata'));
    process.env.PATH = `${bin}:${cargoBin}`;
    try {
      expect((await profile([{ bin: 'fault-app' }])).success).toBe(false);
    } finally {
      process.env.PATH = saved.PATH;
    }
    expect(out.text()).toMatch(new RegExp(`No llvm-profdata for LLVM ${rustcMajor} .*Tried: .*${bin}/llvm-profdata \\(LLVM 14\\.[\\d.]+\\)`));
    expect(out.text()).toContain(`apt-get install llvm-${rustcMajor}`);
  });
});
