// Issue 11: PGO profiles and binaries computed once (clone A) are restored from Nx's remote cache
// into another clone at a different absolute path (clone B), and work there.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createWorkspace, type TestWorkspace } from './harness';
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
