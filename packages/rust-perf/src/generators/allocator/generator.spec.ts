import { logger } from '@nx/devkit';
import { getIn, parseToml } from '../../core/toml/toml';
import { snapshotFiles, treeWithExample } from '../__fixtures__/workspace';
import allocatorGenerator from './generator';

beforeEach(() => jest.spyOn(logger, 'info').mockImplementation(() => undefined));
afterEach(() => jest.restoreAllMocks());

const FILES = ['rust/Cargo.toml', 'rust/market-data/Cargo.toml', 'rust/market-data/src/main.rs'];

describe('allocator', () => {
  it('inserts a gated #[global_allocator] and the gated dependency; second run changes nothing', async () => {
    const tree = treeWithExample();
    const original = tree.read('rust/market-data/src/main.rs', 'utf-8')!;
    await allocatorGenerator(tree, { project: 'market-data' });
    const main = tree.read('rust/market-data/src/main.rs', 'utf-8')!;
    expect(main).toContain('#[cfg(all(not(target_os = "macos"), not(target_env = "msvc"), not(feature = "system-allocator")))]\n#[global_allocator]\nstatic GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;\n');
    // The crate doc comment stays first; everything else is kept.
    expect(main.startsWith(original.split('\n\n')[0])).toBe(true);
    expect(main.replace(/\n\/\/ Added by[\s\S]*?Jemalloc;\n/, '')).toBe(original);
    const manifest = tree.read('rust/market-data/Cargo.toml', 'utf-8')!;
    expect(manifest).toContain(`[target.'cfg(all(not(target_os = "macos"), not(target_env = "msvc")))'.dependencies]\ntikv-jemallocator = { workspace = true }\n`);
    expect(manifest).toMatch(/\[features\]\nsystem-allocator = \[\]\n/);
    expect(getIn(parseToml(tree.read('rust/Cargo.toml', 'utf-8')!, 'x'), ['workspace', 'dependencies', 'tikv-jemallocator'])).toBe('0.7');
    const first = snapshotFiles(tree, FILES);
    await allocatorGenerator(tree, { project: 'market-data' });
    expect(snapshotFiles(tree, FILES)).toEqual(first);
  });

  it('mimalloc', async () => {
    const tree = treeWithExample();
    await allocatorGenerator(tree, { project: 'execution-engine', allocator: 'mimalloc' });
    expect(tree.read('rust/execution-engine/src/main.rs', 'utf-8')).toContain('static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;');
  });

  it('refuses a crate without a binary', async () => {
    await expect(allocatorGenerator(treeWithExample(), { project: 'common' })).rejects.toThrow('rust/common/Cargo.toml: package common has no binary');
  });

  it('refuses when another global allocator exists, writing nothing', async () => {
    const tree = treeWithExample();
    tree.write('rust/market-data/src/main.rs', `#[global_allocator]\nstatic A: std::alloc::System = std::alloc::System;\n${tree.read('rust/market-data/src/main.rs', 'utf-8')}`);
    const before = snapshotFiles(tree, FILES);
    await expect(allocatorGenerator(tree, { project: 'market-data', allocator: 'mimalloc' })).rejects.toThrow('rust/market-data/src/main.rs:1: a #[global_allocator] is already defined; remove it first to install mimalloc. Nothing was written.');
    expect(snapshotFiles(tree, FILES)).toEqual(before);
  });
});
