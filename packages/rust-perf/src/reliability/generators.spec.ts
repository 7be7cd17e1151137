// The fault catalogue, generator cases: each fails with the file (line:column) or the fix, and leaves every user
// file byte-identical (sha256 of the real folder before and after, flushed as `nx g` would).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { logger } from '@nx/devkit';
import initGenerator from '../generators/init/generator';
import allocatorGenerator from '../generators/allocator/generator';
import crateDepsGenerator from '../generators/crate-deps/generator';
import type { CrateDepsGeneratorSchema } from '../generators/crate-deps/schema';
import { diskTree, hashTree, runGenerator, tempDir, writeFiles } from './__fixtures__/fixtures';

const WORKSPACE = '# desk\n[workspace]\nmembers = ["app", "core"]\nresolver = "2"\n\n[profile.release]\nlto = false # we link often\n';
const APP = '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\ncore = { path = "../core" }\n';
const CORE = '[package]\nname = "core"\nversion = "0.1.0"\nedition = "2021"\n';
const BASE = {
  'rust/Cargo.toml': WORKSPACE,
  'rust/app/Cargo.toml': APP,
  'rust/app/src/main.rs': '//! The app.\nfn main() {\n    println!("{}", core::f());\n}\n',
  'rust/core/Cargo.toml': CORE,
  'rust/core/src/lib.rs': 'pub fn f() -> u32 { 7 }\n',
  'apps/web/project.json': '{ "name": "web" }\n',
};

let root: string;
let messages: string[];
beforeEach(() => {
  root = tempDir('rp-rel-gen-');
  messages = [];
  for (const level of ['info', 'warn', 'error'] as const) jest.spyOn(logger, level).mockImplementation((...m: unknown[]) => void messages.push(m.map(String).join(" ")));
});
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(root, { recursive: true, force: true });
});

/** Runs the generator on the folder and returns its error; asserts that every user file is unchanged. */
async function failsUnchanged(files: Record<string, string>, gen: (t: ReturnType<typeof diskTree>) => Promise<unknown>, setup?: () => void): Promise<string> {
  writeFiles(root, files);
  setup?.();
  const before = hashTree(root);
  const tree = diskTree(root);
  const error = await runGenerator(tree, () => gen(tree));
  expect(error).toBeDefined();
  expect(hashTree(root)).toEqual(before);
  return error!.message;
}

const init = (extra: Record<string, unknown> = {}) => (t: ReturnType<typeof diskTree>) => initGenerator(t, { linker: 'system', cpu: 'native', ...extra });

describe('generators: bad input fails cleanly, user files untouched', () => {
  it('[gen-malformed-cargo-toml] init names file:line:col of the TOML error', async () => {
    const msg = await failsUnchanged({ ...BASE, 'rust/Cargo.toml': '[workspace]\nmembers = ["app"]\n[profile.release]\nlto = thin\n' }, init());
    expect(msg).toMatch(/^rust\/Cargo\.toml:4:7: invalid TOML/);
  });

  it('[gen-malformed-cargo-config] init names file:line:col of .cargo/config.toml', async () => {
    const msg = await failsUnchanged({ ...BASE, 'rust/.cargo/config.toml': '[build]\nrustflags = ["--cfg", "x"\n' }, init());
    expect(msg).toMatch(/^rust\/\.cargo\/config\.toml:\d+:\d+: invalid TOML/);
  });

  it('[gen-readonly-cargo-toml] init names the file and the chmod fix', async () => {
    const msg = await failsUnchanged(BASE, init(), () => fs.chmodSync(path.join(root, 'rust/Cargo.toml'), 0o444));
    expect(msg).toBe(`rust/Cargo.toml is read-only (${path.join(root, 'rust/Cargo.toml')}); nothing was written. Fix: chmod u+w ${path.join(root, 'rust/Cargo.toml')}`);
  });

  it('[gen-symlink-cargo-toml] init refuses to edit through a symlinked Cargo.toml', async () => {
    // The link leads outside the workspace: following it would edit a file the workspace does not own.
    const elsewhere = tempDir('rp-rel-link-');
    try {
      fs.writeFileSync(path.join(elsewhere, 'Cargo.toml'), WORKSPACE);
      const msg = await failsUnchanged(BASE, init(), () => {
        fs.rmSync(path.join(root, 'rust/Cargo.toml'));
        fs.symlinkSync(path.join(elsewhere, 'Cargo.toml'), path.join(root, 'rust/Cargo.toml'));
      });
      expect(msg).toContain(`rust/Cargo.toml is a symbolic link to ${path.join(elsewhere, 'Cargo.toml')}; nothing was written. Fix:`);
      expect(fs.readFileSync(path.join(elsewhere, 'Cargo.toml'), 'utf8')).toBe(WORKSPACE);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('[gen-workspace-no-members] a [workspace] without members: names the manifest and what to add', async () => {
    const msg = await failsUnchanged({ 'rust/Cargo.toml': '[workspace]\nresolver = "2"\n' }, (t) => crateDepsGenerator(t, { project: 'app', preset: 'common' } as CrateDepsGeneratorSchema));
    expect(msg).toMatch(/rust\/Cargo\.toml/);
    expect(msg).toBe('No package named "app" in the Cargo workspace rust/Cargo.toml. Packages: (none). Fix: list the crate folders in [workspace] members = ["…"] of rust/Cargo.toml.');
  });

  it('[gen-two-workspaces] a crate name in two Cargo roots (crate-deps, bench, allocator): names both roots and --cargoRoot', async () => {
    const tools = { 'tools/Cargo.toml': '[workspace]\nmembers = ["app"]\n', 'tools/app/Cargo.toml': APP.replace('\n[dependencies]\ncore = { path = "../core" }\n', '') };
    const msg = await failsUnchanged({ ...BASE, ...tools }, (t) => crateDepsGenerator(t, { project: 'app', preset: 'common' } as CrateDepsGeneratorSchema));
    expect(msg).toBe('A package "app" is in several Cargo roots: rust/Cargo.toml, tools/Cargo.toml. Choose one with --cargoRoot.');
  });

  it('[gen-no-cargo-manifest] init in a repository without any Cargo.toml: one line naming what it looked for', async () => {
    const msg = await failsUnchanged({ 'apps/web/project.json': '{ "name": "web" }\n', 'node_modules/napi/Cargo.toml': '[package]\nname = "napi"\n' }, init());
    expect(msg).toMatch(/^No Cargo manifest found: looked for Cargo\.toml in every folder of this Nx workspace that \.gitignore and \.nxignore do not ignore \(target\/ and node_modules\/ skipped\)\. Fix: create a package with `cargo new <name>`/);
    expect(msg.split('\n')).toHaveLength(1);
  });

  it('[gen-lto-false-kept] a user\'s lto = false is kept without --force, and the warning names --force', async () => {
    writeFiles(root, BASE);
    const tree = diskTree(root);
    expect(await runGenerator(tree, () => init({ skipConfig: true })(tree))).toBeUndefined();
    const text = fs.readFileSync(path.join(root, 'rust/Cargo.toml'), 'utf8');
    expect(text.startsWith(WORKSPACE.replace(/\n\n\[profile\.release\][\s\S]*$/, ''))).toBe(true);
    expect(text).toContain('[profile.release]\nlto = false # we link often\n');
    expect(messages.join('\n')).toContain('kept lto = false in rust/Cargo.toml [profile.release] (use --force to set "thin")');
  });

  it('[gen-build-rustflags-merged] existing [build] rustflags are kept, copied into the target table, and explained', async () => {
    const config = '# ours\n[build]\nrustflags = ["--cfg", "user_cfg"] # keep\n';
    writeFiles(root, { ...BASE, 'rust/.cargo/config.toml': config });
    const tree = diskTree(root);
    expect(await runGenerator(tree, () => init({ skipProfiles: true, skipDeps: true })(tree))).toBeUndefined();
    const text = fs.readFileSync(path.join(root, 'rust/.cargo/config.toml'), 'utf8');
    expect(text.startsWith(config)).toBe(true);
    expect(text).toMatch(/\[target\.'cfg\([^\n]*\)'\]\nrustflags = \["-C", "target-cpu=native", "--cfg", "user_cfg"\]\n/);
    expect(messages.join('\n')).toContain('rust/.cargo/config.toml [build] rustflags = ["--cfg", "user_cfg"]: cargo ignores [build] rustflags when a [target] table matches, so they were copied into the target tables.');
  });

  it('[gen-existing-global-allocator] allocator refuses, naming file:line', async () => {
    const files = { ...BASE, 'rust/app/src/main.rs': '#[global_allocator]\nstatic A: std::alloc::System = std::alloc::System;\nfn main() {}\n' };
    const msg = await failsUnchanged(files, (t) => allocatorGenerator(t, { project: 'app' }));
    expect(msg).toBe('rust/app/src/main.rs:1: a #[global_allocator] is already defined; remove it first to install jemalloc. Nothing was written.');
  });

  it('[gen-allocator-no-binary] allocator on a library crate names the manifest', async () => {
    const msg = await failsUnchanged(BASE, (t) => allocatorGenerator(t, { project: 'core' }));
    expect(msg).toMatch(/^rust\/core\/Cargo\.toml: package core has no binary/);
  });

  it('[gen-unknown-preset] crate-deps with an unknown preset lists the valid ones', async () => {
    const msg = await failsUnchanged(BASE, (t) => crateDepsGenerator(t, { project: 'app', preset: 'hft' } as unknown as CrateDepsGeneratorSchema));
    expect(msg).toMatch(/^Unknown preset "hft"\. Nothing was written\. Fix: use --preset [a-z|-]*market-data[a-z|-]*, or --deps a,b,c\.$/);
  });

  it('[gen-not-a-rust-crate] a project that is not a Cargo package: lists the packages', async () => {
    const msg = await failsUnchanged(BASE, (t) => crateDepsGenerator(t, { project: 'web', preset: 'common' } as CrateDepsGeneratorSchema));
    expect(msg).toBe('No package named "web" in the Cargo workspace rust/Cargo.toml. Packages: app, core.');
  });
});
