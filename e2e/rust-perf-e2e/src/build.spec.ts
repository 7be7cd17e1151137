// Builds: build-release and build-native on the example, through Nx and the packed plugin.
import * as path from 'node:path';
import { createWorkspace, type TestWorkspace } from './harness';

describe('build-release / build-native', () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await createWorkspace({ registerPlugin: true });
    ws.write('rust/.cargo/config.toml', '[build]\nrustflags = ["-Cforce-frame-pointers=yes"]\n');
  });
  afterAll(() => ws?.cleanup());

  test('build-release puts the binaries in dist/ and keeps the config rustflags', async () => {
    const r = await ws.nx(['run', 'market-data:build-release', '--skip-nx-cache']);
    expect(r.stdout + r.stderr).toContain('dist/rust/market-data/release/market-data');
    const run = await ws.exec(path.join(ws.root, 'dist/rust/market-data/release/market-data'), ['--synthetic', '1000']);
    expect(run.stdout).toMatch(/checksum:/);
  }, 900_000);

  test('user RUSTFLAGS are kept and the override of the config is warned about', async () => {
    const r = await ws.nx(['run', 'market-data:build-native', '--skip-nx-cache', '--verbose'], { env: { RUSTFLAGS: '--cfg rust_perf_e2e' } });
    const out = r.stdout + r.stderr;
    expect(out).toMatch(/warning: RUSTFLAGS is set, so cargo ignores the rustflags in .*config.toml \[build\]/);
    expect(out).toMatch(/rustflags: --cfg rust_perf_e2e -Ctarget-cpu=native/);
  }, 900_000);

  test('build-native compiles for this CPU (AVX2 instructions appear when the CPU has them)', async () => {
    const r = await ws.nx(['run', 'market-data:build-native', '--skip-nx-cache']);
    expect(r.stdout + r.stderr).toMatch(/rustflags: -Cforce-frame-pointers=yes -Ctarget-cpu=native/);
    // VEX/BMI instructions (v*, shlx, andn, …) outside runtime-dispatched code only appear with target-cpu above x86-64.
    const vexCount = async (rel: string) =>
      ((await ws.exec('objdump', ['-d', '--no-show-raw-insn', path.join(ws.root, rel)])).stdout.match(/\t(v[a-z0-9]+|shlx|shrx|sarx|andn|blsr|tzcnt|lzcnt)\s/g) ?? []).length;
    const cpuinfo = (await ws.exec('cat', ['/proc/cpuinfo'])).stdout;
    if (/ avx2/.test(cpuinfo)) expect(await vexCount('dist/rust/market-data/native/market-data')).toBeGreaterThan(1.5 * (await vexCount('dist/rust/market-data/release/market-data')));
  }, 900_000);
});
