import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunContext } from './run-context';
import { planRustflags } from '../rustflags/rustflags';
import { whichSync } from '../toolchain/cache';

// A RUSTC that logs each invocation and runs the real rustc: how often a run really asks rustc.
function loggingRustc(dir: string): { env: NodeJS.ProcessEnv; calls: () => string[] } {
  const log = path.join(dir, 'rustc.log');
  const real = whichSync('rustc');
  if (!real) throw new Error('rustc is not on PATH: install Rust with rustup (rustup toolchain install stable)');
  const wrapper = path.join(dir, 'rustc-logged');
  fs.writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
  // A fresh cache dir: the per-toolchain disk cache would otherwise answer without spawning anything.
  const env = { ...process.env, RUSTC: wrapper, RUST_PERF_CACHE_DIR: path.join(dir, 'cache') };
  return { env, calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []) };
}

describe('RunContext (real rustc)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-context-'));
    fs.writeFileSync(path.join(dir, 'Cargo.toml'), '[workspace]\nmembers = []\n');
    fs.mkdirSync(path.join(dir, '.cargo'));
    fs.writeFileSync(path.join(dir, '.cargo', 'config.toml'), `[target.'cfg(target_os = "linux")']\nrustflags = ["--cfg", "from_cfg_table"]\n`);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('each fact is asked of rustc once per run, however many planners ask', async () => {
    const { env, calls } = loggingRustc(dir);
    const context = new RunContext(dir, env);
    const [a, b] = await Promise.all([context.rustc(), context.rustc()]);
    expect(a).toBe(b);
    expect(await context.host()).toBe(a.host);
    expect(await context.llvmMajor()).toBe(a.llvmMajor);
    await context.cfg();
    await context.cfg();
    await context.targetLibdir();
    // Two plans (a probe and the real one, as flamegraph makes) reuse the run's facts and config files.
    const probe = await planRustflags({ cargoRoot: dir, env, add: [], context });
    const plan = await planRustflags({ cargoRoot: dir, env, add: ['-Cdebuginfo=1'], context });
    expect(probe.flags).toEqual(['--cfg', 'from_cfg_table']);
    expect(plan.flags).toEqual(['--cfg', 'from_cfg_table', '-Cdebuginfo=1']);
    // The very objects the run parsed, not a second reading.
    expect(plan.configs?.length).toBe(context.cargoConfigs().length);
    plan.configs?.forEach((c, i) => expect(c).toBe(context.cargoConfigs()[i]));
    expect(calls().sort()).toEqual(['--print cfg', '--print target-libdir', '-vV']);
  });

  test('the llvm-bolt search runs once per run and takes rustc -vV from the run', async () => {
    const major = await new RunContext(dir, process.env).llvmMajor();
    // Logging stand-ins first on PATH that run this machine's llvm-bolt-<major> and merge-fdata-<major>.
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    const toolLog = path.join(dir, 'tools.log');
    for (const name of [`llvm-bolt-${major}`, `merge-fdata-${major}`]) {
      const real = whichSync(name);
      if (!real) throw new Error(`${name} is not on PATH: apt-get install bolt-${major}`);
      fs.writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${name} $*" >> '${toolLog}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
    }
    const { env, calls } = loggingRustc(dir);
    const context = new RunContext(dir, { ...env, PATH: `${bin}${path.delimiter}${env.PATH ?? ''}`, LLVM_BOLT: undefined, MERGE_FDATA: undefined });
    // Asked together with -vV: a search that ran rustc itself would miss the empty disk cache a second time.
    const [a, b, rustc] = await Promise.all([context.llvmBolt(), context.llvmBolt(), context.rustc()]);
    expect(a).toBe(b);
    expect(await context.llvmBolt()).toBe(a);
    expect(rustc.llvmMajor).toBe(major);
    expect(a).toMatchObject({ path: path.join(bin, `llvm-bolt-${major}`), mergeFdata: path.join(bin, `merge-fdata-${major}`), major });
    expect(fs.readFileSync(toolLog, 'utf8').trim().split('\n').sort()).toEqual([`llvm-bolt-${major} --version`, `merge-fdata-${major} --version`]);
    expect(calls()).toEqual(['-vV']);
  });

  test('the cargo config files are read once and shared', () => {
    const context = new RunContext(dir, process.env);
    const first = context.cargoConfigs();
    fs.writeFileSync(path.join(dir, '.cargo', 'config.toml'), '[build]\nrustflags = ["--cfg", "changed"]\n');
    expect(context.cargoConfigs()).toBe(first);
    expect(first.some((c) => c.file === path.join(dir, '.cargo', 'config.toml') && c.text?.includes('from_cfg_table'))).toBe(true);
    // A new run reads the file again.
    expect(new RunContext(dir, process.env).cargoConfigs().some((c) => c.text?.includes('changed'))).toBe(true);
  });

  test('a plan for another environment does not borrow the run context', async () => {
    const context = new RunContext(dir, process.env);
    const plan = await planRustflags({ cargoRoot: dir, env: { ...process.env, RUSTFLAGS: '--cfg from_env' }, add: [], context });
    expect(plan.flags).toEqual(['--cfg', 'from_env']);
    expect(plan.source).toBe('RUSTFLAGS');
  });
});
