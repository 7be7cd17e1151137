// The PGO pipeline from scratch with the real llvm-profdata, and its caching contract.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTomlValue, type TomlValue } from '../../../packages/rust-perf/src/core/toml/toml';
import { createWorkspace, ranTask, sharedTargetDir, type TestWorkspace } from './harness';

const CACHED = /\[local cache\]|\[existing outputs match the cache, left as is\]/;

describe('PGO pipeline', () => {
  let ws: TestWorkspace;
  const slowMarker = path.join(os.tmpdir(), `rust-perf-e2e-slow-${process.pid}`);
  const append = (rel: string, text: string) => ws.write(rel, ws.read(rel) + text);
  const profdataOf = (p: string) => `dist/pgo/${p}/${p}.profdata`;

  beforeAll(async () => {
    ws = await createWorkspace({ registerPlugin: true });
    // A small, bounded workload keeps CI time down (the example's default is 2M messages).
    // The marker outside the workspace is not an input: it only makes one run slow enough to be killed.
    const workload = (rel: string, value: TomlValue) => ws.write(rel, setTomlValue(ws.read(rel), ['package', 'metadata', 'rust-perf', 'workload'], value, rel));
    workload('rust/market-data/Cargo.toml', [
      { command: ['sh', '-c', `if [ -e '${slowMarker}' ]; then sleep 300; fi; exec "$RUST_PERF_BIN_DIR/market-data" --synthetic 200000`] },
    ]);
    workload('rust/execution-engine/Cargo.toml', [{ bin: 'execution-engine', args: ['--synthetic', '200000'] }]);
  });
  afterAll(() => {
    fs.rmSync(slowMarker, { force: true });
    ws?.cleanup();
  });

  test('build-pgo from scratch: instrument, run, merge with llvm-profdata, optimized build', async () => {
    const r = await ws.nx(['run', 'market-data:build-pgo']);
    const out = r.stdout + r.stderr;
    expect(out).toMatch(/\[pgo 4\/4\] merge with llvm-profdata 22/);
    expect(out).toMatch(/PGO coverage: profile has records for \d+ functions/);
    expect(ws.exists(profdataOf('market-data'))).toBe(true);
    expect(ws.exists('dist/rust/market-data/pgo/market-data')).toBe(true);
    const run = await ws.exec(path.join(ws.root, 'dist/rust/market-data/pgo/market-data'), ['--synthetic', '1000']);
    expect(run.stdout).toMatch(/checksum: [0-9a-f]+/);
  }, 900_000);

  test('second run: both targets are cache hits and the binary is restored', async () => {
    fs.rmSync(path.join(ws.root, 'dist/rust/market-data'), { recursive: true, force: true });
    const t0 = Date.now();
    const r = await ws.nx(['run', 'market-data:build-pgo']);
    const out = r.stdout + r.stderr;
    expect(out).toMatch(/for 2 out of 2 tasks/);
    expect(ranTask(out, 'market-data:pgo-profile')).toBe(false);
    expect(ws.exists('dist/rust/market-data/pgo/market-data')).toBe(true);
    expect(Date.now() - t0).toBeLessThan(20_000);
  }, 300_000);

  test('a change in execution-engine keeps market-data\'s profile cached', async () => {
    append('rust/execution-engine/src/lib.rs', '\n// touched by e2e\n');
    const r = await ws.nx(['run', 'market-data:pgo-profile']);
    expect(r.stdout + r.stderr).toMatch(CACHED);
  }, 300_000);

  test('a change in common recomputes the profile; killing it mid-workload publishes nothing', async () => {
    append('rust/common/src/lib.rs', '\n// touched by e2e\n');
    const before = fs.statSync(path.join(ws.root, profdataOf('market-data'))).mtimeMs;
    fs.writeFileSync(slowMarker, '');
    // The instrumented rebuild of common + market-data takes well under this; then the workload sleeps.
    const killed = await ws.nx(['run', 'market-data:pgo-profile'], { allowFailure: true, timeoutMs: 120_000 });
    expect(killed.exitCode).not.toBe(0);
    expect(fs.statSync(path.join(ws.root, profdataOf('market-data'))).mtimeMs).toBe(before);
    fs.rmSync(slowMarker);
    const r = await ws.nx(['run', 'market-data:pgo-profile']);
    const out = r.stdout + r.stderr;
    expect(out).not.toMatch(CACHED);
    expect(out).toMatch(/\[pgo 3\/4\] workload/);
    expect(fs.statSync(path.join(ws.root, profdataOf('market-data'))).mtimeMs).toBeGreaterThan(before);
    // Nothing of the killed run is left in the per-run profile directories.
    expect(fs.readdirSync(path.join(sharedTargetDir, 'rust-perf/pgo/profraw/market-data'))).toEqual([]);
  }, 900_000);

  test('Cargo.lock, .cargo/config.toml and a toolchain update each recompute the profile', async () => {
    const recomputes = async (what: string, env?: Record<string, string>) => {
      const r = await ws.nx(['run', 'market-data:pgo-profile'], { env });
      const out = r.stdout + r.stderr;
      expect({ what, cached: CACHED.test(out), workloadRan: /\[pgo 3\/4\] workload/.test(out) }).toEqual({ what, cached: false, workloadRan: true });
    };
    const cachedAgain = async (what: string, env?: Record<string, string>) => {
      const r = await ws.nx(['run', 'market-data:pgo-profile'], { env });
      expect({ what, cached: CACHED.test(r.stdout + r.stderr) }).toEqual({ what, cached: true });
    };

    // Cargo rewrites a hand-edited lock file in the run, so only the recompute is asserted here.
    ws.write('rust/Cargo.lock', `# e2e: lock file edited\n${ws.read('rust/Cargo.lock')}`);
    await recomputes('Cargo.lock');

    ws.write('rust/.cargo/config.toml', '[term]\nquiet = false\n');
    await recomputes('.cargo/config.toml');
    await cachedAgain('.cargo/config.toml');

    // A second toolchain cannot be installed offline: a rustc earlier on PATH reports a different
    // `rustc -vV` (the runtime input Nx hashes) and runs the real compiler for everything else.
    // RUSTC keeps cargo on the real rustc, so the build itself is the same toolchain's.
    const realRustc = (process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'rustc')).find((f) => fs.existsSync(f));
    if (!realRustc) throw new Error('rustc is not on PATH');
    const binDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rust-perf-e2e-toolchain-'));
    fs.writeFileSync(
      path.join(binDir, 'rustc'),
      `#!/bin/sh\nif [ "$#" = 1 ] && [ "$1" = -vV ]; then "${realRustc}" -vV; echo "e2e-toolchain: updated"; exit; fi\nexec "${realRustc}" "$@"\n`,
      { mode: 0o755 },
    );
    try {
      const updated = { PATH: `${binDir}${path.delimiter}${process.env.PATH}`, RUSTC: realRustc };
      await recomputes('rustc -vV', updated);
      await cachedAgain('rustc -vV', updated);
    } finally {
      fs.rmSync(binDir, { recursive: true, force: true });
    }
  }, 900_000);

  test('two pipelines in parallel keep their profiles apart', async () => {
    const r = await ws.nx(['run-many', '-t', 'build-pgo', '-p', 'market-data', 'execution-engine', '--parallel', '2']);
    expect(r.exitCode).toBe(0);
    const covered = async (p: string) => (await ws.exec('llvm-profdata-22', ['show', '--covered', path.join(ws.root, profdataOf(p))])).stdout;
    const md = await covered('market-data');
    const ee = await covered('execution-engine');
    expect(md).toMatch(/market_data/);
    expect(md).not.toMatch(/execution_engine/);
    expect(ee).toMatch(/execution_engine/);
    expect(ee).not.toMatch(/market_data/);
    expect(ws.exists('dist/rust/execution-engine/pgo/execution-engine')).toBe(true);
  }, 1_200_000);
});
