// Issue 11: a user's RUSTC_WRAPPER (sccache) is kept by the build targets and does its job.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createWorkspace, type TestWorkspace } from './harness';

function rustHits(stats: string): number {
  const m = /Cache hits \(Rust\)\s+(\d+)/.exec(stats) ?? /Cache hits\s+(\d+)/.exec(stats);
  return m ? Number(m[1]) : 0;
}

describe('sccache as RUSTC_WRAPPER', () => {
  let ws: TestWorkspace;
  let cacheDir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    ws = await createWorkspace({ registerPlugin: true, sharedTarget: false });
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sccache-e2e-'));
    // A private server on its own port, so the test never talks to (or counts) a user's sccache.
    env = { RUSTC_WRAPPER: 'sccache', SCCACHE_DIR: cacheDir, SCCACHE_SERVER_PORT: '4327' };
    await ws.exec('sccache', ['--stop-server'], { env, allowFailure: true });
  });
  afterAll(async () => {
    await ws?.exec('sccache', ['--stop-server'], { env, allowFailure: true });
    ws?.cleanup();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('build-release works through sccache and a clean rebuild hits its cache', async () => {
    await ws.nx(['run', 'market-data:build-release', '--skip-nx-cache'], { env });
    const first = rustHits((await ws.exec('sccache', ['--show-stats'], { env })).stdout);
    fs.rmSync(path.join(ws.cargoRoot, 'target'), { recursive: true, force: true });
    const again = await ws.nx(['run', 'market-data:build-release', '--skip-nx-cache'], { env });
    expect(again.stdout + again.stderr).toMatch(/Compiling\s+common/);
    const second = rustHits((await ws.exec('sccache', ['--show-stats'], { env })).stdout);
    // serde, serde_json, itoa, … and common come from sccache the second time.
    expect(second - first).toBeGreaterThanOrEqual(5);
    expect(ws.exists('dist/rust/market-data/release/market-data')).toBe(true);
  });
});

describe('sccache with the PGO pipeline', () => {
  let ws: TestWorkspace;
  let cacheDir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    ws = await createWorkspace({ registerPlugin: true, sharedTarget: false });
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sccache-pgo-e2e-'));
    env = { RUSTC_WRAPPER: 'sccache', SCCACHE_DIR: cacheDir, SCCACHE_SERVER_PORT: '4328' };
    await ws.exec('sccache', ['--stop-server'], { env, allowFailure: true });
    // A short workload: the point is the builds.
    const manifest = 'rust/market-data/Cargo.toml';
    ws.write(manifest, ws.read(manifest).replace(/args = \["--synthetic", "2000000"\]/, 'args = ["--synthetic", "100000"]'));
  });
  afterAll(async () => {
    await ws?.exec('sccache', ['--stop-server'], { env, allowFailure: true });
    ws?.cleanup();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('build-pgo works through sccache; a clean re-run reuses cached units and still builds with the profile', async () => {
    await ws.nx(['run', 'market-data:build-pgo', '--skip-nx-cache'], { env });
    const first = rustHits((await ws.exec('sccache', ['--show-stats'], { env })).stdout);
    fs.rmSync(path.join(ws.cargoRoot, 'target'), { recursive: true, force: true });
    const again = await ws.nx(['run', 'market-data:build-pgo', '--skip-nx-cache'], { env });
    const second = rustHits((await ws.exec('sccache', ['--show-stats'], { env })).stdout);
    expect(second - first).toBeGreaterThanOrEqual(5);
    expect(again.stdout).toMatch(/PGO coverage: profile has records for \d+ functions/);
    const run = await ws.exec(path.join(ws.root, 'dist/rust/market-data/pgo/market-data'), ['--synthetic', '100000']);
    expect(run.stdout).toMatch(/processed 100000/);
  });
});
