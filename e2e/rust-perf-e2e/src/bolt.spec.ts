// BOLT on top of PGO from a fresh workspace with Debian's bolt-<major>, and its caching contract.
import * as path from 'node:path';
import { setTomlValue } from '../../../packages/rust-perf/src/core/toml/toml';
import { createWorkspace, ranTask, type TestWorkspace } from './harness';

const CACHED = /\[local cache\]|\[existing outputs match the cache, left as is\]/;
const checksum = (stdout: string) => /checksum: ([0-9a-f]+)/.exec(stdout)?.[1];

describe('BOLT pipeline', () => {
  let ws: TestWorkspace;
  const RUN_ARGS = ['--synthetic', '30000', '--seed', '7'];

  beforeAll(async () => {
    ws = await createWorkspace({ registerPlugin: true });
    // A small, bounded workload keeps CI time down (the example's default is 2M messages); PGO and BOLT share it.
    const rel = 'rust/market-data/Cargo.toml';
    ws.write(rel, setTomlValue(ws.read(rel), ['package', 'metadata', 'rust-perf', 'workload'], [{ bin: 'market-data', args: ['--synthetic', '100000'] }], rel));
  });
  afterAll(() => ws?.cleanup());

  test('build-bolt from scratch: PGO profile, relocations build, instrument, run, merge-fdata, optimize; same checksum as release', async () => {
    const r = await ws.nx(['run', 'market-data:build-bolt']);
    const out = r.stdout + r.stderr;
    expect(out).toMatch(/\[pgo 4\/4\] merge with llvm-profdata/);
    expect(out).toMatch(/\[bolt-profile 2\/5\] build market-data with relocations \(profile `release` \+ dist\/pgo\/market-data\/market-data\.profdata/);
    expect(out).toMatch(/✓ \[bolt-profile 4\/5\] workload \(1 command\) \(\d/);
    expect(out).toMatch(/market-data: \d+ of \d+ functions have profile .*executed instructions [-+][\d.]+%/);
    expect(out).toMatch(/✓ \[build-bolt 2\/3\] optimize with llvm-bolt 22/);
    for (const f of ['dist/bolt/market-data/market-data.fdata', 'dist/bolt/market-data/relocs/market-data', 'dist/rust/market-data/bolt/market-data']) expect({ f, exists: ws.exists(f) }).toEqual({ f, exists: true });

    await ws.nx(['run', 'market-data:build-release']);
    const bolt = await ws.exec(path.join(ws.root, 'dist/rust/market-data/bolt/market-data'), RUN_ARGS);
    const release = await ws.exec(path.join(ws.root, 'dist/rust/market-data/release/market-data'), RUN_ARGS);
    expect(checksum(bolt.stdout)).toMatch(/^[0-9a-f]{8,}$/);
    expect(checksum(bolt.stdout)).toBe(checksum(release.stdout));
  }, 900_000);

  test('second run: all three targets are cache hits', async () => {
    const r = await ws.nx(['run', 'market-data:build-bolt']);
    const out = r.stdout + r.stderr;
    expect(out).toMatch(/for 3 out of 3 tasks/);
    expect(ranTask(out, 'market-data:bolt-profile')).toBe(false);
  }, 300_000);

  test('a source change recomputes both profiles (PGO and BOLT) and the optimized binary', async () => {
    const lib = 'rust/market-data/src/lib.rs';
    ws.write(lib, ws.read(lib) + '\n// touched by e2e\n');
    const r = await ws.nx(['run', 'market-data:build-bolt']);
    const out = r.stdout + r.stderr;
    expect(out).not.toMatch(CACHED);
    expect(out).toMatch(/\[pgo 3\/4\] workload/);
    expect(out).toMatch(/\[bolt-profile 4\/5\] workload/);
    expect(out).toMatch(/\[build-bolt 2\/3\] optimize/);
  }, 900_000);
});
