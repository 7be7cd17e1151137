import { configuredCpu, evaluate, exitCode, featuresFromCfg, renderChecks, requiredFeatures, type DoctorFacts } from './checks';

const healthy: DoctorFacts = {
  rustc: { release: '1.95.0', host: 'x86_64-unknown-linux-gnu', llvmVersion: '22.1.2', llvmMajor: 22 },
  cargoVersion: 'cargo 1.95.0',
  profdata: { path: '/usr/bin/llvm-profdata-22', version: '22.1.8', major: 22 },
  bolt: { path: '/usr/bin/llvm-bolt-22', mergeFdata: '/usr/lib/llvm-22/bin/merge-fdata', version: '22.1.8', major: 22 },
  perf: { path: '/usr/bin/perf', version: 'perf version 6.1' },
  perfAccess: { allowed: true, userOnly: false, paranoid: 2 },
  hardwareCounters: true,
  valgrind: 'valgrind-3.19.0',
  linker: { requested: 'default', links: true },
  cpu: { configured: 'native', hostFeatures: ['avx2', 'fma'], requiredFeatures: [] },
  symbols: [{ profile: 'profiling', strip: 'none', source: 'Cargo.toml', defined: true }],
};

const byId = (facts: DoctorFacts, id: string) => evaluate(facts).find((c) => c.id === id);

describe('doctor checks', () => {
  it('a healthy machine passes with exit code 0', () => {
    const checks = evaluate(healthy);
    expect(checks.every((c) => c.status === 'pass')).toBe(true);
    expect(exitCode(checks)).toBe(0);
  });

  it('a missing llvm-profdata fails with the apt package for rustc\'s LLVM major', () => {
    const c = byId({ ...healthy, profdata: undefined }, 'llvm-profdata')!;
    expect(c.status).toBe('fail');
    expect(c.fix).toContain('apt-get install llvm-22');
    expect(c.fix).toContain('rustup component add llvm-tools');
    expect(exitCode(evaluate({ ...healthy, profdata: undefined }))).toBe(1);
  });

  it('a missing llvm-bolt is a warning (BOLT is optional) naming apt-get install bolt-<major>', () => {
    const c = byId({ ...healthy, bolt: undefined }, 'llvm-bolt')!;
    expect(c).toMatchObject({ status: 'warn', summary: 'no llvm-bolt for LLVM 22: bolt-profile and build-bolt are unavailable' });
    expect(c.fix).toContain('apt-get install bolt-22');
    expect(exitCode(evaluate({ ...healthy, bolt: undefined }))).toBe(0);
    expect(byId(healthy, 'llvm-bolt')!.summary).toMatch(/llvm-bolt-22 is LLVM 22\.1\.8, matching rustc's LLVM 22/);
  });

  it('perf problems are warnings with the fix, not failures', () => {
    expect(byId({ ...healthy, perf: undefined }, 'perf')).toMatchObject({ status: 'warn', fix: expect.stringContaining('apt-get install linux-perf') });
    const denied = byId({ ...healthy, perfAccess: { allowed: false, userOnly: true, paranoid: 3 } }, 'perf')!;
    expect(denied).toMatchObject({ status: 'warn', fix: 'sudo sysctl kernel.perf_event_paranoid=1' });
    expect(byId({ ...healthy, hardwareCounters: false }, 'hardware-counters')!.status).toBe('warn');
  });

  it('a missing valgrind warns (no counted columns) and names the apt package', () => {
    expect(byId(healthy, 'valgrind')).toMatchObject({ status: 'pass', summary: expect.stringContaining('valgrind-3.19.0') });
    const missing = byId({ ...healthy, valgrind: undefined }, 'valgrind')!;
    expect(missing).toMatchObject({ status: 'warn', fix: 'apt-get install valgrind' });
    expect(exitCode(evaluate({ ...healthy, valgrind: undefined }))).toBe(0);
  });

  it('a CPU level the host cannot run fails (SIGILL), an unused AVX2 warns', () => {
    const tooNew = byId({ ...healthy, cpu: { configured: 'x86-64-v3', hostFeatures: ['sse4.2'], requiredFeatures: requiredFeatures('x86-64-v3') } }, 'cpu')!;
    expect(tooNew.status).toBe('fail');
    expect(tooNew.summary).toMatch(/avx2, fma, bmi2/);
    expect(byId({ ...healthy, cpu: { hostFeatures: ['avx2'], requiredFeatures: [] } }, 'cpu')!.status).toBe('warn');
  });

  it('[doctor-cpu-hint-keeps-values] the CPU fixes name the narrowest init: --cpu alone (no --force), Cargo.toml untouched, the Cargo root named', () => {
    const tooNew = byId({ ...healthy, cargoRoot: 'apps/a', cpu: { configured: 'x86-64-v3', hostFeatures: ['sse4.2'], requiredFeatures: requiredFeatures('x86-64-v3') } }, 'cpu')!;
    expect(tooNew.fix).toBe('nx g rust-perf:init --cpu none --skipProfiles --cargoRoot apps/a (or --cpu native); it changes target-cpu in .cargo/config.toml only, every other value you kept stays');
    const unused = byId({ ...healthy, cargoRoot: '', cpu: { hostFeatures: ['avx2'], requiredFeatures: [] } }, 'cpu')!;
    expect(unused.fix).toBe('nx run <project>:build-native for CPU-tuned local builds (cached per CPU), or nx g rust-perf:init --cpu x86-64-v3 --skipProfiles for shipped binaries; it changes target-cpu in .cargo/config.toml only, every other value you kept stays');
    for (const c of [tooNew, unused]) expect(c.fix).not.toContain('--force');
  });

  it('a profiling profile that strips symbols fails', () => {
    const c = byId({ ...healthy, symbols: [{ profile: 'profiling', strip: 'symbols', source: 'Cargo.toml [profile.release] strip', defined: true }] }, 'symbols:profiling')!;
    expect(c.status).toBe('fail');
  });

  it('RUSTFLAGS that replace config flags warn', () => {
    expect(byId({ ...healthy, envRustflags: { source: 'RUSTFLAGS', overridesConfig: true } }, 'rustflags-env')!.status).toBe('warn');
  });

  it('a linker that does not link fails', () => {
    expect(byId({ ...healthy, linker: { requested: 'mold', installed: true, links: false, error: 'cannot find mold' } }, 'linker')!).toMatchObject({ status: 'fail', fix: expect.stringContaining('apt-get install mold') });
  });

  it('[doctor-linker-missing] a linker the config names but this machine lacks fails with the apt and brew lines', () => {
    expect(byId({ ...healthy, linker: { requested: 'mold', installed: false, links: false } }, 'linker')).toEqual({
      id: 'linker',
      status: 'fail',
      summary: '.cargo/config.toml links with -fuse-ld=mold, which is not installed here: every build of this repository fails to link on this machine',
      fix: 'apt-get install mold (Debian/Ubuntu) or brew install mold (macOS), or nx g rust-perf:init --linker default to stop naming it',
    });
    expect(byId({ ...healthy, linker: { requested: 'mold', installed: true, links: true } }, 'linker')!.summary).toBe('mold links a test program (every machine building this repository needs mold)');
  });

  it('renders a table with counts', () => {
    const text = renderChecks(evaluate({ ...healthy, profdata: undefined }));
    expect(text).toMatch(/^FAIL  llvm-profdata/m);
    expect(text).toMatch(/fix: apt-get install llvm-22/);
    expect(text).toMatch(/\d+ passed, 0 warnings, 1 failed$/);
  });
});

describe('doctor parsers', () => {
  it.each([
    [['-C', 'target-cpu=native'], 'native'],
    [['-Ctarget-cpu=x86-64-v3', '-C', 'target-cpu=native'], 'native'],
    [['-C', 'opt-level=3'], undefined],
  ])('configuredCpu(%j) = %s', (flags, cpu) => expect(configuredCpu(flags)).toBe(cpu));

  it('reads target features from rustc --print cfg', () => {
    expect(featuresFromCfg(['target_arch="x86_64"', 'target_feature="avx2"', 'target_feature="fma"', 'unix'])).toEqual(['avx2', 'fma']);
  });
});
