import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logger } from '@nx/devkit';
import { run } from '../../core/process/run';
import { materialize, snapshotFiles, treeWith, treeWithExample } from '../__fixtures__/workspace';
import { argumentFor, benchSource, findPublicFns } from './scaffold';
import benchGenerator from './generator';

beforeEach(() => jest.spyOn(logger, 'info').mockImplementation(() => undefined));
afterEach(() => jest.restoreAllMocks());

describe('scaffold', () => {
  it.each([
    ['u64', 'black_box(1_000)'],
    ['&str', 'black_box("benchmark input 0123456789")'],
    ['&[u8]', 'black_box(&b"benchmark input 0123456789"[..])'],
    ['&[i64]', 'black_box(&[1, 2, 3, 5, 8, 13, 21, 34][..])'],
    ['f64', 'black_box(1.5)'],
    ['&mut Vec<u8>', null],
    ['Order', null],
  ])('argumentFor(%s)', (type, expected) => expect(argumentFor(type)).toBe(expected));

  it('finds top-level non-generic pub fns with simple arguments only', () => {
    const src = 'pub fn a(x: u64, s: &str) -> u64 { 0 }\npub fn b<T>(t: T) {}\npub fn c(o: &mut Book) {}\nimpl X {\n    pub fn d(&self) {}\n}\npub fn e() -> u8 { 1 }\n';
    expect(findPublicFns(src, ['m'])).toEqual([
      { path: ['m', 'a'], args: ['black_box(1_000)', 'black_box("benchmark input 0123456789")'] },
      { path: ['m', 'e'], args: [] },
    ]);
  });

  it('writes a placeholder with a TODO when nothing fits', () => {
    expect(benchSource('x', 'k', null)).toContain('// TODO: call your crate');
  });
});

describe('bench generator', () => {
  it('leaves an existing [[bench]] of that name alone', async () => {
    const tree = treeWithExample();
    const files = ['rust/Cargo.toml', 'rust/market-data/Cargo.toml', 'rust/market-data/benches/orderbook_bench.rs'];
    const before = snapshotFiles(tree, files);
    await benchGenerator(tree, { project: 'market-data', name: 'orderbook_bench' });
    expect(snapshotFiles(tree, files)).toEqual(before);
  });

  it('a new bench on the example measures a real public function', async () => {
    const tree = treeWithExample();
    await benchGenerator(tree, { project: 'execution-engine', name: 'parse_bench' });
    expect(tree.read('rust/execution-engine/benches/parse_bench.rs', 'utf-8')).toContain('execution_engine::msg::parse_line(black_box("benchmark input 0123456789"))');
    expect(tree.read('rust/execution-engine/Cargo.toml', 'utf-8')).toContain('[[bench]]\nname = "router_bench"\nharness = false\n\n[[bench]]\nname = "parse_bench"\nharness = false\n');
  });

  // cargo is the judge: the scaffold must compile against the crate and run.
  it('the scaffold compiles and runs with real cargo (criterion in test mode)', async () => {
    const tree = treeWith({
      'rust/Cargo.toml': '[workspace]\nmembers = ["calc"]\nresolver = "2"\n',
      'rust/calc/Cargo.toml': '[package]\nname = "calc"\nversion = "0.1.0"\nedition = "2021"\n',
      'rust/calc/src/lib.rs': '//! calc\npub mod sum;\n\n/// FNV-1a.\npub fn checksum(data: &[u8]) -> u64 {\n    data.iter().fold(0xcbf29ce484222325, |h, b| (h ^ *b as u64).wrapping_mul(0x100000001b3))\n}\n',
      'rust/calc/src/sum.rs': 'pub fn total(xs: &[i64]) -> i64 { xs.iter().sum() }\n',
    });
    await benchGenerator(tree, { project: 'calc', name: 'calc_bench' });
    const first = snapshotFiles(tree, ['rust/Cargo.toml', 'rust/calc/Cargo.toml', 'rust/calc/benches/calc_bench.rs']);
    await benchGenerator(tree, { project: 'calc', name: 'calc_bench' });
    expect(snapshotFiles(tree, Object.keys(first))).toEqual(first);
    const dir = mkdtempSync(join(tmpdir(), 'rust-perf-bench-'));
    try {
      materialize(tree, 'rust', dir);
      const env = { CARGO_TARGET_DIR: join(tmpdir(), 'rust-perf-gen-test-target'), RUSTFLAGS: undefined };
      let r = await run('cargo', ['test', '--offline', '--bench', 'calc_bench'], { cwd: dir, env, timeoutMs: 600_000 });
      if (r.exitCode !== 0 && /offline|no matching package|failed to select/i.test(r.stderr)) {
        r = await run('cargo', ['test', '--bench', 'calc_bench'], { cwd: dir, env, timeoutMs: 600_000 });
      }
      expect(r.stderr).not.toMatch(/^error/m);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain('Testing checksum\nSuccess');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // A cold criterion build on a busy 2-core machine took over the suite's 120 s default: wait as long as cargo may run.
  }, 600_000);
});
