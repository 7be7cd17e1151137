// TOML shapes through a real generator: init on the shapes users write, on the Nx Tree.
import { logger } from '@nx/devkit';
import type { Tree } from '@nx/devkit';
import { getIn, parseToml, withLineEnding } from '../../core/toml/toml';
import { treeWith } from '../__fixtures__/workspace';
import initGenerator from '../init/generator';
import { PendingWrites } from './tree';

beforeEach(() => {
  jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
  jest.spyOn(logger, 'info').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

const MEMBER = '[package]\nname = "common"\nversion = "0.1.0"\n';
const PLAIN = `[workspace]\nmembers = ["common"]\nresolver = "2"\n\n[profile.release]\ndebug = 1 # symbols for perf\n`;
const DOTTED = `profile.release.debug = 1 # symbols for perf\n\n[workspace]\nmembers = ["common"]\nresolver = "2"\n`;
const PARENT_DOTTED = `[workspace]\nmembers = ["common"]\nresolver = "2"\n\n[profile]\nrelease.debug = 1 # symbols for perf\n`;

const init = (tree: Tree, extra: Record<string, unknown> = {}) => initGenerator(tree, { linker: 'system', cpu: 'x86-64-v3', ...extra });

async function initOn(manifest: string): Promise<Tree> {
  const tree = treeWith({ 'rust/Cargo.toml': manifest, 'rust/common/Cargo.toml': MEMBER });
  await init(tree);
  return tree;
}

const profiles = (tree: Tree) => getIn(parseToml(tree.read('rust/Cargo.toml', 'utf-8')!, 'rust/Cargo.toml'), ['profile']);
const loneLf = (text: string) => /(^|[^\r])\n/.test(text);

describe('init on every shape of Cargo.toml', () => {
  it('[gen-toml-dotted-table] dotted profile keys (top level and in [profile]) get the same profiles as the plain header, in dotted form', async () => {
    const plain = profiles(await initOn(PLAIN));
    expect(getIn(plain as never, ['release', 'debug'])).toBe(1);
    for (const manifest of [DOTTED, PARENT_DOTTED]) {
      const tree = await initOn(manifest);
      expect(profiles(tree)).toEqual(plain);
      const text = tree.read('rust/Cargo.toml', 'utf-8')!;
      expect(text).toContain('debug = 1 # symbols for perf');
      expect(text).not.toContain('[profile.release]');
    }
  });

  it('[gen-toml-crlf-kept] a CRLF Cargo.toml stays all-CRLF and .cargo/config.toml is created CRLF beside it', async () => {
    const lf = await initOn(PLAIN);
    const tree = treeWith({ 'rust/Cargo.toml': withLineEnding(PLAIN, '\r\n'), 'rust/common/Cargo.toml': MEMBER });
    await init(tree);
    const manifest = tree.read('rust/Cargo.toml', 'utf-8')!;
    const config = tree.read('rust/.cargo/config.toml', 'utf-8')!;
    expect(manifest).toBe(withLineEnding(lf.read('rust/Cargo.toml', 'utf-8')!, '\r\n'));
    expect(config).toBe(withLineEnding(lf.read('rust/.cargo/config.toml', 'utf-8')!, '\r\n'));
    expect([loneLf(manifest), loneLf(config), manifest.split('\r\n').length > 40]).toEqual([false, false, true]);
    // An LF workspace keeps writing LF.
    expect(lf.read('rust/.cargo/config.toml', 'utf-8')!).not.toContain('\r');
  });

  it('[gen-toml-refused-shape] a profile TOML cannot extend (a string where init adds keys) is refused at the user\'s line; nothing is written', async () => {
    // Valid TOML that cargo itself would reject: init must say where, not write a second definition.
    const manifest = `[workspace]\nmembers = ["common"]\nresolver = "2"\n\n[profile]\nrelease = "fast"\n`;
    const tree = treeWith({ 'rust/Cargo.toml': manifest, 'rust/common/Cargo.toml': MEMBER });
    const before = tree.listChanges().map((c) => [c.path, c.content?.toString('utf-8')]);
    await expect(init(tree, { force: true })).rejects.toThrow(/^rust\/Cargo\.toml:6:1: cannot set profile\.release\.[a-z-]+: .*nothing was written$/);
    expect(tree.listChanges().map((c) => [c.path, c.content?.toString('utf-8')])).toEqual(before);
  });

  it('[gen-toml-not-utf8] a Cargo.toml that is not UTF-8 is refused with its line; its bytes stay as they were', async () => {
    const bytes = Buffer.concat([Buffer.from(PLAIN), Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    const tree = treeWith({ 'rust/common/Cargo.toml': MEMBER });
    tree.write('rust/Cargo.toml', bytes);
    await expect(init(tree)).rejects.toThrow(/^rust\/Cargo\.toml:7:6: invalid TOML: invalid UTF-8/);
    expect(tree.read('rust/Cargo.toml')!.equals(bytes)).toBe(true);
    expect(tree.exists('rust/.cargo/config.toml')).toBe(false);
  });
});

describe('PendingWrites line endings', () => {
  it('a new TOML file takes the nearest Cargo.toml\'s line ending; other new files and LF files are left alone', () => {
    const tree = treeWith({ 'a/Cargo.toml': '[workspace]\r\nmembers = []\r\n', 'b/Cargo.toml': '[workspace]\nmembers = []\n' });
    const writes = new PendingWrites(tree);
    writes.write('a/.cargo/config.toml', '[build]\njobs = 1\n');
    writes.write('b/.cargo/config.toml', '[build]\njobs = 1\n');
    writes.write('a/notes.txt', 'x\ny\n');
    writes.write('a/Cargo.toml', '[workspace]\r\nmembers = []\r\n\r\n[profile.release]\nlto = true\n');
    writes.commit();
    expect(tree.read('a/.cargo/config.toml', 'utf-8')).toBe('[build]\r\njobs = 1\r\n');
    expect(tree.read('b/.cargo/config.toml', 'utf-8')).toBe('[build]\njobs = 1\n');
    expect(tree.read('a/notes.txt', 'utf-8')).toBe('x\ny\n');
    expect(tree.read('a/Cargo.toml', 'utf-8')).toBe('[workspace]\r\nmembers = []\r\n\r\n[profile.release]\r\nlto = true\r\n');
  });
});
