import { logger } from '@nx/devkit';
import type { Tree } from '@nx/devkit';
import { rustcHost } from '../../core/cargo-config/linker';
import { treeWith } from '../../generators/__fixtures__/workspace';
import migrations from '../../../migrations.json';
import pkg from '../../../package.json';
import migrate from './migration';

const MANIFEST = '[workspace]\nmembers = ["common"]\nresolver = "2"\n';
const oldConfig = (os: string) => `# CPU tuning for x86_64 targets only (this machine's CPU: do not ship these binaries to other machines).
[target.'cfg(target_arch = "x86_64")']
rustflags = ["-C", "target-cpu=native"]

[target.'cfg(all(target_arch = "x86_64", target_os = "${os}"))']
rustflags = ["-C", "link-arg=-fuse-ld=mold"]
`;

let info: jest.SpyInstance;
beforeEach(() => {
  info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

const everyFile = (tree: Tree) => Object.fromEntries(['rust/Cargo.toml', 'rust/common/Cargo.toml', 'rust/.cargo/config.toml', 'nx.json', 'package.json'].map((p) => [p, tree.exists(p) ? tree.read(p, 'utf-8') : null]));

describe('migration portable-cargo-config (0.1.0)', () => {
  it('is the one migration migrations.json lists, at a version the package has reached', () => {
    expect(pkg['nx-migrations']).toEqual({ migrations: './migrations.json' });
    expect(Object.keys(migrations.generators)).toEqual(['portable-cargo-config']);
    const m = migrations.generators['portable-cargo-config'];
    expect(m.implementation).toBe('./dist/migrations/portable-cargo-config/migration');
    // nx migrate runs a migration whose version lies above the installed one and up to the target.
    const key = (v: string) => v.split('.').map((n) => n.padStart(6, '0')).join('.');
    expect(m.version).toBe('0.1.0');
    expect(key(pkg.version) >= key(m.version)).toBe(true);
  });

  it('removes target-cpu=native from the table init wrote and changes no other file or table', async () => {
    const { os } = await rustcHost(process.cwd());
    const tree = treeWith({ 'rust/Cargo.toml': MANIFEST, 'rust/common/Cargo.toml': '[package]\nname = "common"\nversion = "0.1.0"\n', 'rust/.cargo/config.toml': oldConfig(os) });
    const before = everyFile(tree);
    await migrate(tree);
    const after = everyFile(tree);
    expect({ ...after, 'rust/.cargo/config.toml': null }).toEqual({ ...before, 'rust/.cargo/config.toml': null });
    expect(after['rust/.cargo/config.toml']).toBe(`[target.'cfg(all(target_arch = "x86_64", target_os = "${os}"))']\nrustflags = ["-C", "link-arg=-fuse-ld=mold"]\n`);
    expect(info.mock.calls.flat().join('\n')).toMatch(/removed -C target-cpu=native from rust\/\.cargo\/config\.toml \[target\.'cfg\(target_arch = "x86_64"\)'\].*build-native.*--cpu native --force/s);
    // A second run (nx migrate --run-migrations again) finds nothing to do.
    info.mockClear();
    await migrate(tree);
    expect(everyFile(tree)).toEqual(after);
    expect(info).not.toHaveBeenCalled();
  });

  it('finds a Cargo workspace at the Nx root (a root package with [workspace]) as init does', async () => {
    const { os } = await rustcHost(process.cwd());
    const root = '[package]\nname = "desk"\nversion = "0.1.0"\n\n[workspace]\nmembers = ["crates/*"]\n';
    const tree = treeWith({ 'Cargo.toml': root, 'crates/feed/Cargo.toml': '[package]\nname = "feed"\nversion = "0.1.0"\n', '.cargo/config.toml': oldConfig(os) });
    await migrate(tree);
    expect(tree.read('.cargo/config.toml', 'utf-8')).not.toContain('target-cpu');
    expect(tree.read('Cargo.toml', 'utf-8')).toBe(root);
    expect(info.mock.calls.flat().join('\n')).toMatch(/removed -C target-cpu=native from \.cargo\/config\.toml/);
  });

  it('does nothing without a Cargo workspace or a .cargo/config.toml', async () => {
    for (const files of [{}, { 'rust/Cargo.toml': MANIFEST }] as Record<string, string>[]) {
      const tree = treeWith(files);
      const before = everyFile(tree);
      await migrate(tree);
      expect(everyFile(tree)).toEqual(before);
    }
  });
});
