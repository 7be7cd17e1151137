import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOST_CPU_ARGS, cpuKey, lastTargetCpu } from './cpu-key';
import { runChecked } from '../process/run';

describe('lastTargetCpu', () => {
  it.each([
    [['-C', 'target-cpu=native'], 'native'],
    [['-Ctarget-cpu=native'], 'native'],
    [['--codegen', 'target-cpu=skylake'], 'skylake'],
    [['--codegen=target-cpu=x86-64-v3'], 'x86-64-v3'],
    // rustc takes the last -C of a kind.
    [['-Ctarget-cpu=native', '-C', 'opt-level=3', '-Ctarget-cpu=x86-64-v2'], 'x86-64-v2'],
    [['-Ctarget-feature=+avx2', '--cfg', 'target-cpu=native'], undefined],
    [[], undefined],
  ])('%j → %s', (flags, cpu) => expect(lastTargetCpu(flags)).toBe(cpu));
});

describe('[infer-native-cpu-key] cpuKey: the CPU identity only when cargo would compile for native', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rust-perf-cpu-key-'));
    mkdirSync(join(dir, 'ws', '.cargo'), { recursive: true });
    mkdirSync(join(dir, 'home'));
    // An empty CARGO_HOME, and none of the caller's rustflags variables.
    env = { PATH: process.env.PATH, HOME: process.env.HOME, RUSTUP_HOME: process.env.RUSTUP_HOME, CARGO_HOME: join(dir, 'home'), RUST_PERF_CACHE_DIR: join(dir, 'cache') };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const config = (text: string) => writeFileSync(join(dir, 'ws', '.cargo', 'config.toml'), text);

  it('is a constant without native anywhere, and follows an explicit cpu', async () => {
    expect(await cpuKey(join(dir, 'ws'), env)).toBe('target-cpu=default');
    config('[build]\nrustflags = ["-C", "target-cpu=x86-64-v3"]\n');
    expect(await cpuKey(join(dir, 'ws'), env)).toBe('target-cpu=x86-64-v3');
  });

  it("prints rustc's description of this CPU for native from [build], a matching [target] table, RUSTFLAGS or CARGO_ENCODED_RUSTFLAGS", async () => {
    const identity = (await runChecked('rustc', HOST_CPU_ARGS, { cwd: dir })).stdout.trim();
    const native = `target-cpu=native\n${identity}`;
    config('[build]\nrustflags = ["-C", "target-cpu=native"]\n');
    expect(await cpuKey(join(dir, 'ws'), env)).toBe(native);
    config('[target.\'cfg(all())\']\nrustflags = ["-Ctarget-cpu=native"]\n');
    expect(await cpuKey(join(dir, 'ws'), env)).toBe(native);
    // A [target] table that does not match this host is not in effect.
    config('[target.\'cfg(target_os = "none")\']\nrustflags = ["-Ctarget-cpu=native"]\n');
    expect(await cpuKey(join(dir, 'ws'), env)).toBe('target-cpu=default');
    expect(await cpuKey(join(dir, 'ws'), { ...env, RUSTFLAGS: '-C target-cpu=native' })).toBe(native);
    expect(await cpuKey(join(dir, 'ws'), { ...env, CARGO_ENCODED_RUSTFLAGS: '-C\x1ftarget-cpu=native' })).toBe(native);
    // Either variable replaces the config's flags, as in cargo.
    config('[build]\nrustflags = ["-C", "target-cpu=native"]\n');
    expect(await cpuKey(join(dir, 'ws'), { ...env, RUSTFLAGS: '-Cforce-frame-pointers=yes' })).toBe('target-cpu=default');
    // $CARGO_HOME/config.toml counts too (a developer's machine-wide setting).
    config('');
    writeFileSync(join(dir, 'home', 'config.toml'), '[build]\nrustflags = ["-Ctarget-cpu=native"]\n');
    expect(await cpuKey(join(dir, 'ws'), env)).toBe(native);
  });

  it('names the config file, line and column of a malformed config that mentions target-cpu', async () => {
    config('[build]\nrustflags = ["-Ctarget-cpu=native"\n');
    await expect(cpuKey(join(dir, 'ws'), env)).rejects.toThrow(/ws\/\.cargo\/config\.toml:\d+:\d+/);
  });
});
