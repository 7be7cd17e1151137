import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, dirname } from 'node:path';
import { parseManifest } from './manifest';
import { globMatchesDir, localDependencies, resolveCargoLayout } from './workspace';
import { runChecked } from '../process/run';
import { pkg, writeCrates } from './__fixtures__/crates';


function layoutOf(files: Record<string, string>) {
  return resolveCargoLayout(Object.entries(files).map(([file, text]) => parseManifest(text, file)));
}

const summary = (files: Record<string, string>) =>
  layoutOf(files).packages.map((p) => `${p.manifest.package.name} ${p.root} cargoRoot=${p.cargoRoot}`);

describe('globMatchesDir', () => {
  it.each([
    ['rust/crates/*', 'rust/crates/a', true],
    ['rust/crates/*', 'rust/crates/a/b', false],
    ['rust/crates/*', 'rust/crates', false],
    ['rust/**/engine', 'rust/engine', true],
    ['rust/**/engine', 'rust/x/y/engine', true],
    ['rust/**', 'rust/x/y', true],
    ['rust/crate-?', 'rust/crate-1', true],
    ['rust/crate-?', 'rust/crate-10', false],
    ['rust/[ab]*', 'rust/beta', true],
    ['rust/[!ab]*', 'rust/beta', false],
    ['rust/[a-c]x', 'rust/bx', true],
    ['rust/*', 'rust/.hidden', true],
    ['*', 'a.b', true],
    ['rust/c.x', 'rust/cax', false],
  ])('%s vs %s → %s', (pattern, dir, expected) => {
    expect(globMatchesDir(pattern, dir)).toBe(expected);
  });
});

describe('resolveCargoLayout', () => {
  it('expands globbed members and applies exclude in a workspace nested under rust/', () => {
    expect(
      summary({
        'rust/Cargo.toml': '[workspace]\nmembers = ["crates/*", "tools/cli"]\nexclude = ["crates/experimental"]\n',
        'rust/crates/common/Cargo.toml': pkg('common'),
        'rust/crates/market-data/Cargo.toml': pkg('market-data'),
        'rust/crates/experimental/Cargo.toml': pkg('experimental'),
        'rust/tools/cli/Cargo.toml': pkg('cli'),
        'scripts/standalone/Cargo.toml': pkg('standalone'),
      }),
    ).toEqual([
      'common rust/crates/common cargoRoot=rust',
      'experimental rust/crates/experimental cargoRoot=rust/crates/experimental',
      'market-data rust/crates/market-data cargoRoot=rust',
      'cli rust/tools/cli cargoRoot=rust',
      'standalone scripts/standalone cargoRoot=scripts/standalone',
    ]);
  });

  it('keeps explicitly listed members even when excluded, and makes the root package a member', () => {
    expect(
      summary({
        'Cargo.toml': pkg('app', '[workspace]\nmembers = ["libs/*", "libs/special"]\nexclude = ["libs"]\n'),
        'libs/special/Cargo.toml': pkg('special'),
        'libs/other/Cargo.toml': pkg('other'),
      }),
    ).toEqual(['app . cargoRoot=.', 'other libs/other cargoRoot=libs/other', 'special libs/special cargoRoot=.']);
  });

  it('makes path dependencies inside the workspace folder members, not those outside it', () => {
    expect(
      summary({
        'rust/Cargo.toml': '[workspace]\nmembers = ["app"]\n',
        'rust/app/Cargo.toml': pkg('app', '[dependencies]\nhelper = { path = "../helper" }\nvendored = { path = "../../vendor/v" }\n'),
        'rust/helper/Cargo.toml': pkg('helper'),
        'vendor/v/Cargo.toml': pkg('v'),
      }),
    ).toEqual(['app rust/app cargoRoot=rust', 'helper rust/helper cargoRoot=rust', 'v vendor/v cargoRoot=vendor/v']);
  });

  it('[infer-excluded-crate] marks excluded packages, and members of a workspace that is itself excluded, but not explicit members', () => {
    const layout = layoutOf({
      'Cargo.toml': pkg('app', '[workspace]\nmembers = ["crates/*", "vendor/kept"]\nexclude = ["vendor", "crates/old"]\n'),
      'crates/new/Cargo.toml': pkg('new'),
      'crates/old/Cargo.toml': pkg('old'),
      'vendor/kept/Cargo.toml': pkg('kept'),
      'vendor/fork/Cargo.toml': pkg('fork', '[workspace]\nmembers = ["sub"]\n'),
      'vendor/fork/sub/Cargo.toml': pkg('fork-sub'),
      'elsewhere/Cargo.toml': pkg('elsewhere'),
    });
    expect(layout.packages.map((p) => `${p.root} ${p.excluded ? 'excluded' : 'kept'}`)).toEqual([
      '. kept',
      'crates/new kept',
      'crates/old excluded',
      // Not under the workspace folder's members, not excluded: cargo would reject it, the user decides.
      'elsewhere kept',
      'vendor/fork excluded',
      'vendor/fork/sub excluded',
      'vendor/kept kept',
    ]);
  });

  it('assigns a package to the nearest of two nested workspaces and honours package.workspace', () => {
    expect(
      summary({
        'Cargo.toml': '[workspace]\nmembers = ["**/*"]\nexclude = ["inner"]\n',
        'a/Cargo.toml': pkg('a'),
        'inner/Cargo.toml': '[workspace]\nmembers = ["b"]\n',
        'inner/b/Cargo.toml': pkg('b'),
        'elsewhere/c/Cargo.toml': pkg('c', 'workspace = "../../inner"\n'),
      }),
    ).toEqual(['a a cargoRoot=.', 'c elsewhere/c cargoRoot=inner', 'b inner/b cargoRoot=inner']);
  });

  it('finds local dependency edges: path, workspace = true with a path entry, renamed, dev, build and target-specific', () => {
    const layout = layoutOf({
      'rust/Cargo.toml': '[workspace]\nmembers = ["*"]\n[workspace.dependencies]\ncommon = { path = "common" }\nmd = { path = "market-data", package = "market-data" }\nserde = "1"\n',
      'rust/common/Cargo.toml': pkg('common', '[dependencies]\nserde = { workspace = true }\n'),
      'rust/market-data/Cargo.toml': pkg('market-data', '[dependencies]\ncommon = { workspace = true }\n'),
      'rust/execution-engine/Cargo.toml': pkg(
        'execution-engine',
        '[dependencies]\nbook = { path = "../market-data", package = "market-data" }\n[dev-dependencies]\ncommon = { path = "../common" }\n',
      ),
      'rust/risk/Cargo.toml': pkg('risk', '[build-dependencies]\nmd = { workspace = true }\n[target.\'cfg(unix)\'.dependencies]\nexec = { path = "../execution-engine", package = "execution-engine" }\nme = { path = "." }\n'),
    });
    expect(localDependencies(layout).map((e) => `${e.from.manifest.package.name} -> ${e.to.manifest.package.name} (${e.kind}) in ${e.from.file}`)).toEqual([
      'execution-engine -> market-data (normal) in rust/execution-engine/Cargo.toml',
      'execution-engine -> common (dev) in rust/execution-engine/Cargo.toml',
      'market-data -> common (normal) in rust/market-data/Cargo.toml',
      'risk -> market-data (build) in rust/risk/Cargo.toml',
      'risk -> execution-engine (normal) in rust/risk/Cargo.toml',
    ]);
  });
});

// Cargo is the truth for membership: the same tree, asked to `cargo metadata --no-deps` (offline,
// path-only packages), must list exactly the members we resolved.
describe('resolveCargoLayout agrees with cargo metadata', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rust-perf-ws-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('globs, exclude, explicit-over-exclude, root package and path-dependency members', async () => {
    const files: Record<string, string> = {
      'rust/Cargo.toml': pkg('root-app', '[dependencies]\nhelper = { path = "tools/helper" }\n[workspace]\nmembers = ["crates/*", "nested/**/svc-?", "crates/special"]\nexclude = ["crates/special", "crates/skip-me", "nested/deep/svc-2"]\nresolver = "2"\n'),
      'rust/crates/alpha/Cargo.toml': pkg('alpha', '[dependencies]\nbeta = { path = "../beta" }\n'),
      'rust/crates/beta/Cargo.toml': pkg('beta', '[dev-dependencies]\nfixtures = { path = "../../fixtures" }\n'),
      'rust/crates/special/Cargo.toml': pkg('special'),
      'rust/crates/skip-me/Cargo.toml': pkg('skip-me'),
      'rust/nested/svc-1/Cargo.toml': pkg('svc-1'),
      'rust/nested/deep/svc-2/Cargo.toml': pkg('svc-2'),
      'rust/nested/deep/svc-3/Cargo.toml': pkg('svc-3'),
      'rust/tools/helper/Cargo.toml': pkg('helper'),
      'rust/fixtures/Cargo.toml': pkg('fixtures'),
    };
    writeCrates(dir, files);
    const result = await runChecked('cargo', ['metadata', '--no-deps', '--format-version', '1', '--offline'], {
      cwd: join(dir, 'rust'),
      env: { CARGO_TARGET_DIR: join(dir, 'target') },
    });
    const metadata = JSON.parse(result.stdout) as { workspace_members: string[]; packages: Array<{ id: string; manifest_path: string }> };
    const cargoMembers = metadata.packages
      .filter((p) => metadata.workspace_members.includes(p.id))
      .map((p) => relative(dir, dirname(p.manifest_path)))
      .sort();

    const layout = layoutOf(files);
    const ours = layout.workspaces[0].members;
    expect(ours).toEqual(cargoMembers);
    expect(ours).toEqual(['rust', 'rust/crates/alpha', 'rust/crates/beta', 'rust/crates/special', 'rust/fixtures', 'rust/nested/deep/svc-3', 'rust/nested/svc-1', 'rust/tools/helper']);

    // [infer-excluded-crate] What we mark excluded, cargo builds as a workspace of its own.
    const excluded = layout.packages.filter((p) => p.excluded).map((p) => p.root);
    expect(excluded).toEqual(['rust/crates/skip-me', 'rust/nested/deep/svc-2']);
    for (const root of excluded) {
      const own = await runChecked('cargo', ['metadata', '--no-deps', '--format-version', '1', '--offline'], { cwd: join(dir, root), env: { CARGO_TARGET_DIR: join(dir, 'target') } });
      expect(relative(dir, (JSON.parse(own.stdout) as { workspace_root: string }).workspace_root)).toBe(root);
    }
  });
});
