// A user's RUSTC_WRAPPER (sccache) is kept by the build targets and does its job.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createWorkspace, type TestWorkspace } from './harness';

function rustHits(stats: string): number {
  const m = /Cache hits \(Rust\)\s+(\d+)/.exec(stats) ?? /Cache hits\s+(\d+)/.exec(stats);
  return m ? Number(m[1]) : 0;
}

// A fresh workspace with its own sccache server (own port and cache dir) for one describe block,
// so the tests never talk to (or count) a user's sccache.
function withPrivateSccache(port: string, prepare?: (ws: TestWorkspace) => void): { ws: TestWorkspace; env: Record<string, string> } {
  const ctx = {} as { ws: TestWorkspace; env: Record<string, string> };
  let cacheDir: string;
  beforeAll(async () => {
    ctx.ws = await createWorkspace({ registerPlugin: true, sharedTarget: false });
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), `sccache-e2e-${port}-`));
    ctx.env = { RUSTC_WRAPPER: 'sccache', SCCACHE_DIR: cacheDir, SCCACHE_SERVER_PORT: port };
    await ctx.ws.exec('sccache', ['--stop-server'], { env: ctx.env, allowFailure: true });
    prepare?.(ctx.ws);
  });
  afterAll(async () => {
    await ctx.ws?.exec('sccache', ['--stop-server'], { env: ctx.env, allowFailure: true });
    ctx.ws?.cleanup();
    if (cacheDir) fs.rmSync(cacheDir, { recursive: true, force: true });
  });
  return ctx;
}

describe('sccache as RUSTC_WRAPPER', () => {
  const ctx = withPrivateSccache('4327');

  it('build-release works through sccache and a clean rebuild hits its cache', async () => {
    await ctx.ws.nx(['run', 'market-data:build-release', '--skip-nx-cache'], { env: ctx.env });
    const first = rustHits((await ctx.ws.exec('sccache', ['--show-stats'], { env: ctx.env })).stdout);
    fs.rmSync(path.join(ctx.ws.cargoRoot, 'target'), { recursive: true, force: true });
    const again = await ctx.ws.nx(['run', 'market-data:build-release', '--skip-nx-cache'], { env: ctx.env });
    expect(again.stdout + again.stderr).toMatch(/Compiling\s+common/);
    const second = rustHits((await ctx.ws.exec('sccache', ['--show-stats'], { env: ctx.env })).stdout);
    // serde, serde_json, itoa, … and common come from sccache the second time.
    expect(second - first).toBeGreaterThanOrEqual(5);
    expect(ctx.ws.exists('dist/rust/market-data/release/market-data')).toBe(true);
  });
});

describe('sccache with the PGO pipeline', () => {
  // A short workload: the point is the builds.
  const ctx = withPrivateSccache('4328', (ws) => {
    const manifest = 'rust/market-data/Cargo.toml';
    ws.write(manifest, ws.read(manifest).replace(/args = \["--synthetic", "2000000"\]/, 'args = ["--synthetic", "100000"]'));
  });

  it('build-pgo works through sccache; a clean re-run reuses cached units and still builds with the profile', async () => {
    await ctx.ws.nx(['run', 'market-data:build-pgo', '--skip-nx-cache'], { env: ctx.env });
    const first = rustHits((await ctx.ws.exec('sccache', ['--show-stats'], { env: ctx.env })).stdout);
    fs.rmSync(path.join(ctx.ws.cargoRoot, 'target'), { recursive: true, force: true });
    const again = await ctx.ws.nx(['run', 'market-data:build-pgo', '--skip-nx-cache'], { env: ctx.env });
    const second = rustHits((await ctx.ws.exec('sccache', ['--show-stats'], { env: ctx.env })).stdout);
    expect(second - first).toBeGreaterThanOrEqual(5);
    expect(again.stdout).toMatch(/PGO coverage: profile has records for \d+ functions/);
    const run = await ctx.ws.exec(path.join(ctx.ws.root, 'dist/rust/market-data/pgo/market-data'), ['--synthetic', '100000']);
    expect(run.stdout).toMatch(/processed 100000/);
  });
});
