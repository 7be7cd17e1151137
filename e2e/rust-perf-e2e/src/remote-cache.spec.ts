// The remote cache: PGO profiles and binaries computed once (clone A) are restored from Nx's remote cache
// into another clone at a different absolute path (clone B), and work there.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { parse } from 'yaml';
import { commitAll, createWorkspace, ranTask, type TestWorkspace } from './harness';
import { remoteCacheEnv, startRemoteCache, type RemoteCache } from './remote-cache-server';

const WORKLOAD_ARGS = ['--synthetic', '100000'];

describe('remote cache across clones at different paths', () => {
  let cache: RemoteCache;
  let a: TestWorkspace;
  let b: TestWorkspace;
  beforeAll(async () => {
    cache = await startRemoteCache();
    // Own target dirs: clone B must have nothing cargo could reuse.
    a = await createWorkspace({ registerPlugin: true, sharedTarget: false, name: 'clone-a' });
    b = await createWorkspace({ registerPlugin: true, sharedTarget: false, name: 'clone-b' });
  });
  afterAll(async () => {
    a?.cleanup();
    b?.cleanup();
    await cache?.close();
  });

  it('clone A computes build-pgo and uploads profile and binary', async () => {
    const result = await a.nx(['run', 'market-data:build-pgo'], { env: remoteCacheEnv(cache) });
    expect(result.stdout).not.toMatch(/read the output from the cache/);
    expect(cache.stats.puts).toBeGreaterThanOrEqual(2);
    expect(a.exists('dist/pgo/market-data/market-data.profdata')).toBe(true);
  });

  it('clone A computes build-bolt on top of the cached PGO profile and uploads the BOLT profile and binary', async () => {
    const result = await a.nx(['run', 'market-data:build-bolt'], { env: remoteCacheEnv(cache) });
    expect(result.stdout).toMatch(/read the output from the cache instead of running the command for 1 out of 3 tasks/);
    expect(a.exists('dist/rust/market-data/bolt/market-data')).toBe(true);
  });

  it('no cache key and no cached output holds clone A\'s absolute path', async () => {
    const needle = Buffer.from(a.root);
    for (const [hash, tar] of cache.entries) {
      expect({ hash, containsPath: tar.includes(needle) }).toEqual({ hash, containsPath: false });
    }
  });

  it('clone B without the server recomputes (fresh .nx, no target/)', async () => {
    const result = await b.nx(['run', 'market-data:build-release']);
    expect(result.stdout).not.toMatch(/read the output from the cache/);
    expect(fs.existsSync(path.join(b.cargoRoot, 'target'))).toBe(true);
    fs.rmSync(path.join(b.cargoRoot, 'target'), { recursive: true, force: true });
  });

  it('clone B with the server restores pgo-profile and build-pgo and the binary runs there', async () => {
    const hitsBefore = cache.stats.hits;
    const result = await b.nx(['run', 'market-data:build-pgo'], { env: remoteCacheEnv(cache) });
    expect(result.stdout).toMatch(/read the output from the cache instead of running the command for 2 out of 2 tasks/);
    expect(cache.stats.hits - hitsBefore).toBe(2);
    expect(fs.existsSync(path.join(b.cargoRoot, 'target'))).toBe(false);
    const bin = path.join(b.root, 'dist/rust/market-data/pgo/market-data');
    const run = await b.exec(bin, WORKLOAD_ARGS);
    expect(run.stdout).toMatch(/processed 100000/);
  });

  it('clone B with the server restores bolt-profile and build-bolt and the BOLT binary runs there', async () => {
    const hitsBefore = cache.stats.hits;
    const result = await b.nx(['run', 'market-data:build-bolt'], { env: remoteCacheEnv(cache) });
    expect(result.stdout).toMatch(/read the output from the cache instead of running the command for 3 out of 3 tasks/);
    expect(cache.stats.hits - hitsBefore).toBeGreaterThanOrEqual(2);
    expect(fs.existsSync(path.join(b.cargoRoot, 'target'))).toBe(false);
    const run = await b.exec(path.join(b.root, 'dist/rust/market-data/bolt/market-data'), WORKLOAD_ARGS);
    expect(run.stdout).toMatch(/processed 100000/);
  });
});

/** A raw PUT to the cache server, as a tampered workflow could send one with the token it was given. */
function put(cache: RemoteCache, hash: string, token: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${cache.url}/v1/cache/${hash}`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-length': body.length } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Workflow {
  on: { push: { branches: string[] } };
  jobs: { perf: { env: Record<string, string>; steps: Array<{ name?: string; run?: string; uses?: string; with?: Record<string, string> }> } };
}

// CVE-2025-36852 ("CREEP"): a pull request whose workflow was modified (no source change) computes the
// key the default branch will compute and, holding a write token, uploads its own artifact first.
// Generated workflows give pull requests the read-only token; the server refuses their PUTs.
describe('a remote cache a pull request cannot poison, in a master repository', () => {
  let cache: RemoteCache;
  let ws: TestWorkspace;
  let workflow: Workflow;
  const started = Date.now();
  beforeAll(async () => {
    cache = await startRemoteCache();
    ws = await createWorkspace({ registerPlugin: true, name: 'creep' });
    await ws.exec('git', ['branch', '-m', 'master']);
    await ws.nx(['g', 'rust-perf:init', '--no-interactive']);
    // Only init's nx.json matters here; the example's own profiles keep the release build the one the other specs share.
    await ws.exec('git', ['checkout', '--', 'rust']);
    await ws.nx(['g', 'rust-perf:ci-workflow', '--no-interactive']);
    await commitAll(ws, 'rust-perf init and its workflow');
    workflow = parse(ws.read('.github/workflows/perf.yml')) as Workflow;
  }, 600_000);
  afterAll(async () => {
    ws?.cleanup();
    await cache?.close();
    console.log(`remote cache (CREEP) e2e: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it('init writes defaultBase master; the workflow names master everywhere and gives pull requests the read token', () => {
    expect(JSON.parse(ws.read('nx.json')).defaultBase).toBe('master');
    expect(workflow.on.push.branches).toEqual(['master']);
    expect(workflow.jobs.perf.steps.find((s) => s.uses === 'nrwl/nx-set-shas@v4')?.with).toEqual({ 'main-branch-name': 'master' });
    expect(workflow.jobs.perf.env.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN).toBe(
      "${{ (github.event_name == 'push' && github.ref == 'refs/heads/master') && secrets.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN || secrets.NX_SELF_HOSTED_REMOTE_CACHE_READ_TOKEN }}",
    );
  });

  let planted: string[] = [];
  it('a pull request with a modified workflow and the read token builds, and can upload nothing', async () => {
    await ws.exec('git', ['checkout', '-q', '-b', 'pr/tamper']);
    ws.write('.github/workflows/perf.yml', ws.read('.github/workflows/perf.yml') + '# run: echo tampered > dist/rust/market-data/release/market-data\n');
    await commitAll(ws, 'a modified workflow, no source change');
    const pr = await ws.nx(['run', 'market-data:build-release'], { env: remoteCacheEnv(cache, 'read') });
    // Nx 24 treats the 403 as "not stored": the task passes, nothing lands in the cache.
    expect(ranTask(pr.stdout, 'market-data:build-release')).toBe(true);
    expect(cache.stats.forbidden).toBeGreaterThanOrEqual(1);
    expect(cache.entries.size).toBe(0);
    planted = [...cache.refused];
    // The tampered workflow's own upload, with the only token it holds.
    for (const hash of planted) expect(await put(cache, hash, cache.readToken, Buffer.from('tampered'))).toBe(403);
    expect(cache.entries.size).toBe(0);
  });

  it('the default branch computes the same key, builds it itself and uploads its own artifact; pull requests then read it', async () => {
    await ws.exec('git', ['checkout', '-q', 'master']);
    await ws.nx(['reset', '--onlyCache']);
    const main = await ws.nx(['run', 'market-data:build-release'], { env: remoteCacheEnv(cache, 'write') });
    expect(main.stdout).not.toMatch(/\[remote cache\]/);
    expect(ranTask(main.stdout, 'market-data:build-release')).toBe(true);
    // The very keys the pull request tried to write: the attack aimed right and was refused.
    for (const hash of planted) expect(cache.entries.has(hash)).toBe(true);
    for (const tar of cache.entries.values()) expect(tar.includes(Buffer.from('tampered'))).toBe(false);
    const run = await ws.exec(path.join(ws.root, 'dist/rust/market-data/release/market-data'), WORKLOAD_ARGS);
    expect(run.stdout).toMatch(/processed 100000/);
    await ws.exec('git', ['checkout', '-q', 'pr/tamper']);
    await ws.nx(['reset', '--onlyCache']);
    const again = await ws.nx(['run', 'market-data:build-release'], { env: remoteCacheEnv(cache, 'read') });
    expect(again.stdout).toMatch(/nx run market-data:build-release\s+\[remote cache\]/);
  });

  it("the workflow's build line, run by bash as the runner does, builds what a source change affects", async () => {
    ws.write('rust/market-data/src/main.rs', ws.read('rust/market-data/src/main.rs') + '// touched by the pull request\n');
    await commitAll(ws, 'a source change');
    const line = workflow.jobs.perf.steps.find((s) => s.name === 'Build affected crates')!.run!;
    expect(line).toBe('npx nx affected -t build-release "--base=$NX_BASE" "--head=$NX_HEAD"');
    const r = await ws.exec('bash', ['-c', line], { env: { NX_BASE: 'master', NX_HEAD: 'HEAD', ...remoteCacheEnv(cache, 'read') } });
    expect(ranTask(r.stdout, 'market-data:build-release')).toBe(true);
    expect(r.stdout).not.toMatch(/nx run common:build-release/);
  });
});
