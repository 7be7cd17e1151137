// The fault catalogue through Nx itself: a workspace whose path has spaces, and a compile error that must fail the
// target with cargo's message and leave nothing in Nx's cache.
import * as crypto from 'node:crypto';
import { createWorkspace, type TestWorkspace } from './harness';

const hash = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

describe('reliability through Nx', () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await createWorkspace({ registerPlugin: true, name: 'trading desk (main)' });
  });
  afterAll(() => ws?.cleanup());

  it('[e2e-path-with-spaces] builds in a workspace whose path has spaces and parentheses', async () => {
    expect(ws.root).toMatch(/trading desk \(main\)$/);
    await ws.nx(['run', 'common:build-release']);
    expect(ws.exists('dist/rust/common/release/build.json')).toBe(true);
  });

  it('[e2e-compile-error-not-cached] a compile error fails with cargo\'s message, twice: nothing was cached', async () => {
    const file = 'rust/common/src/lib.rs';
    const broken = ws.read(file) + '\npub fn broken() -> u32 { "not a number" }\n';
    ws.write(file, broken);
    const before = hash(ws.read('rust/Cargo.toml'));
    for (let attempt = 0; attempt < 2; attempt++) {
      const r = await ws.nx(['run', 'market-data:build-release'], { allowFailure: true });
      expect(r.exitCode).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(/error\[E0308\]: mismatched types/);
      expect(r.stdout + r.stderr).toMatch(/common[/\\]src[/\\]lib\.rs:\d+:\d+/);
      expect(r.stdout).not.toMatch(/local cache|read the output from the cache/);
    }
    expect(ws.exists('dist/rust/market-data/release/market-data')).toBe(false);
    expect(hash(ws.read('rust/Cargo.toml'))).toBe(before);
  });
});
