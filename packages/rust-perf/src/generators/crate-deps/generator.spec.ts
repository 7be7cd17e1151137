import { logger } from '@nx/devkit';
import { getIn, parseToml } from '../../core/toml/toml';
import { snapshotFiles, treeWithExample } from '../__fixtures__/workspace';
import crateDepsGenerator from './generator';

beforeEach(() => {
  jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

const MANIFESTS = ['rust/Cargo.toml', 'rust/common/Cargo.toml', 'rust/market-data/Cargo.toml', 'rust/execution-engine/Cargo.toml'];

describe('crate-deps', () => {
  it('common preset: workspace deps, serde gets derive+rc, the rest of the file untouched', async () => {
    const tree = treeWithExample();
    await crateDepsGenerator(tree, { project: 'common', preset: 'common' });
    expect(tree.read('rust/common/Cargo.toml', 'utf-8')).toMatchInlineSnapshot(`
"[package]
name = "common"
description = "Shared order, trade and feed message types plus a deterministic PRNG"
edition.workspace = true
version.workspace = true
license.workspace = true
publish.workspace = true

[dependencies]
serde = { workspace = true, features = ["derive", "rc"] }
serde_json = { workspace = true }
bincode = { workspace = true }
rmp-serde = { workspace = true }
smallvec = { workspace = true }

[dev-dependencies]
criterion = { workspace = true }

[[bench]]
name = "codec_bench"
harness = false
"
`);
    // The workspace gains the entries the crate needs, so the result resolves without init.
    const ws = parseToml(tree.read('rust/Cargo.toml', 'utf-8')!, 'rust/Cargo.toml');
    expect(getIn(ws, ['workspace', 'dependencies', 'bincode'])).toEqual({ version: '2.0', features: ['serde'] });
    expect(getIn(ws, ['workspace', 'dependencies', 'serde'])).toEqual({ version: '1', features: ['derive'] });
  });

  it.each([
    ['market-data', ['simd-json', 'crossbeam-channel', 'parking_lot', 'ahash', 'tokio', 'common']],
    ['execution-engine', ['reqwest', 'governor', 'parking_lot', 'common']],
  ] as const)('%s preset adds its deps once (second run: no change)', async (preset, names) => {
    const tree = treeWithExample();
    await crateDepsGenerator(tree, { project: preset, preset });
    const file = `rust/${preset}/Cargo.toml`;
    const doc = parseToml(tree.read(file, 'utf-8')!, file);
    for (const n of names) expect(getIn(doc, ['dependencies', n])).toBeDefined();
    expect(getIn(doc, ['dependencies', 'common'])).toEqual({ path: '../common' });
    const first = snapshotFiles(tree, MANIFESTS);
    await crateDepsGenerator(tree, { project: preset, preset });
    expect(snapshotFiles(tree, MANIFESTS)).toEqual(first);
  });

  it('adds the common path dependency when the preset implies it and the crate exists', async () => {
    const tree = treeWithExample();
    tree.write('rust/execution-engine/Cargo.toml', tree.read('rust/execution-engine/Cargo.toml', 'utf-8')!.replace('common = { path = "../common" }\n', ''));
    await crateDepsGenerator(tree, { project: 'execution-engine', preset: 'execution-engine' });
    expect(tree.read('rust/execution-engine/Cargo.toml', 'utf-8')).toContain('common = { path = "../common" }\n');
  });

  it('--deps with features; unknown names fail before anything is written', async () => {
    const tree = treeWithExample();
    await crateDepsGenerator(tree, { project: 'common', deps: 'ahash,hdrhistogram' });
    const doc = parseToml(tree.read('rust/common/Cargo.toml', 'utf-8')!, 'x');
    expect(getIn(doc, ['dependencies', 'hdrhistogram'])).toEqual({ workspace: true });
    const before = snapshotFiles(tree, MANIFESTS);
    await expect(crateDepsGenerator(tree, { project: 'common', deps: 'ahash,left-pad' })).rejects.toThrow('left-pad is not in [workspace.dependencies] of rust/Cargo.toml.');
    expect(snapshotFiles(tree, MANIFESTS)).toEqual(before);
  });

  it('names the packages when --project is unknown', async () => {
    await expect(crateDepsGenerator(treeWithExample(), { project: 'nope', preset: 'common' })).rejects.toThrow('Packages: common, execution-engine, market-data.');
  });
});
