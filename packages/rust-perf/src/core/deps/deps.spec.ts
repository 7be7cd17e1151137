import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../process/run';
import { applyValues } from '../profiles/policy';
import { parseToml } from '../toml/toml';
import { PRESETS, WORKSPACE_DEPS, crateDepValue, parseDepList, planCrateDeps, workspaceDepValues, mergeDependency } from './deps';

describe('workspace dependencies', () => {
  it('declares every crate the issue lists plus the ones the seed references but never declared', () => {
    const names = WORKSPACE_DEPS.map((d) => d.name);
    for (const n of ['simd-json', 'bincode', 'rmp-serde', 'crossbeam-channel', 'crossbeam-skiplist', 'crossbeam-queue', 'parking_lot', 'hdrhistogram', 'core_affinity', 'smallvec', 'ahash', 'tikv-jemallocator', 'mimalloc', 'dhat', 'wide', 'serde', 'tokio', 'governor', 'reqwest']) {
      expect(names).toContain(n);
    }
    for (const preset of Object.values(PRESETS)) for (const d of preset.deps) expect(names).toContain(d.name);
  });

  it('uses rustls for reqwest and the union/const_generics features of smallvec', () => {
    const byName = Object.fromEntries(WORKSPACE_DEPS.map((d) => [d.name, d.value]));
    expect(byName.reqwest).toEqual({ version: '0.12', 'default-features': false, features: ['json', 'stream', 'rustls-tls'] });
    expect(byName.smallvec).toEqual({ version: '1.15', features: ['union', 'const_generics'] });
  });
});

describe('planCrateDeps', () => {
  const ws = Object.fromEntries(WORKSPACE_DEPS.map((d) => [d.name, d.value]));
  it.each([
    ['adds missing', {}, [{ name: 'ahash' }], [{ path: ['dependencies', 'ahash'], value: { workspace: true } }], []],
    ['adds features to a workspace entry', { serde: { workspace: true, features: ['derive'] } }, [{ name: 'serde', features: ['derive', 'rc'] }], [{ path: ['dependencies', 'serde', 'features'], value: ['derive', 'rc'] }], []],
    ['nothing when present', { ahash: { workspace: true } }, [{ name: 'ahash' }], [], []],
    ['keeps a user version', { ahash: '0.7' }, [{ name: 'ahash' }], [], ['kept ahash = "0.7" in c/Cargo.toml [dependencies] (use --force to set {"workspace":true})']],
  ])('%s', (_n, deps, wanted, crate, kept) => {
    const plan = planCrateDeps({ crateManifest: { dependencies: deps }, crateFile: 'c/Cargo.toml', workspaceDeps: ws, workspaceFile: 'Cargo.toml', deps: wanted, force: false });
    expect(plan.crate).toEqual(crate);
    expect(plan.kept).toEqual(kept);
  });

  it('adds a known dependency to the workspace and rejects an unknown one', () => {
    expect(planCrateDeps({ crateManifest: {}, crateFile: 'c', workspaceDeps: {}, workspaceFile: 'Cargo.toml', deps: [{ name: 'ahash' }], force: false }).workspace).toEqual([{ path: ['workspace', 'dependencies', 'ahash'], value: '0.8' }]);
    expect(() => planCrateDeps({ crateManifest: {}, crateFile: 'c', workspaceDeps: {}, workspaceFile: 'rust/Cargo.toml', deps: [{ name: 'left-pad' }], force: false })).toThrow(
      'left-pad is not in [workspace.dependencies] of rust/Cargo.toml.',
    );
  });

  it('parses --deps lists with features', () => {
    expect(parseDepList('ahash, serde:derive+rc,,tokio')).toEqual([{ name: 'ahash' }, { name: 'serde', features: ['derive', 'rc'] }, { name: 'tokio' }]);
    expect(crateDepValue({ name: 'serde', features: ['rc'] })).toEqual({ workspace: true, features: ['rc'] });
  });
});

// cargo resolves the whole set together (crates.io index; nothing is compiled): proves the versions
// and features exist and are mutually compatible. The e2e builds the preset crates for real.
it('cargo metadata resolves a crate that uses every workspace dependency', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rust-perf-deps-'));
  try {
    const root = applyValues('[workspace]\nmembers = ["all"]\nresolver = "2"\n', workspaceDepValues(), { force: false, file: 'Cargo.toml' }).text;
    writeFileSync(join(dir, 'Cargo.toml'), root);
    mkdirSync(join(dir, 'all/src'), { recursive: true });
    const member = applyValues('[package]\nname = "all"\nversion = "0.1.0"\nedition = "2021"\n', WORKSPACE_DEPS.map((d) => ({ path: ['dependencies', d.name], value: { workspace: true } })), { force: false, file: 'all/Cargo.toml' }).text;
    writeFileSync(join(dir, 'all/Cargo.toml'), member);
    writeFileSync(join(dir, 'all/src/lib.rs'), '');
    parseToml(member, 'all/Cargo.toml');
    const r = await run('cargo', ['metadata', '--format-version', '1'], { cwd: dir, timeoutMs: 300_000 });
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.exitCode).toBe(0);
    const meta = JSON.parse(r.stdout) as { packages: Array<{ name: string; version: string }> };
    const resolved = new Map(meta.packages.map((p) => [p.name, p.version]));
    for (const d of WORKSPACE_DEPS) expect(resolved.has(d.name)).toBe(true);
    expect(resolved.get('bincode')).toMatch(/^2\./);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('mergeDependency', () => {
  it('unions features and keeps version, default-features, optional, package, path and git', () => {
    const theirs = { version: '1.40', 'default-features': false, optional: true, package: 'tokio-fork', features: ['signal'] };
    const r = mergeDependency(theirs, { version: '1', features: ['macros', 'signal', 'net'] });
    expect(r.value).toEqual({ ...theirs, features: ['signal', 'macros', 'net'] });
    expect(r.changes).toEqual(['features + "macros", "net"']);
    expect(r.keptTheirs).toEqual(['version = "1.40"']);
    const git = { git: 'https://example.invalid/r.git', branch: 'main' };
    expect(mergeDependency(git, { version: '0.12', 'default-features': false, features: ['json'] }).value).toEqual({ ...git, features: ['json'] });
  });

  it('never turns default features off, and leaves an entry that already has everything untouched', () => {
    const r = mergeDependency('0.12', { version: '0.12', 'default-features': false, features: ['json'] });
    expect(r.value).toEqual({ version: '0.12', features: ['json'] });
    expect(r.keptTheirs).toEqual(['default features on']);
    const same = { version: '1', features: ['derive', 'std'] };
    expect(mergeDependency(same, { version: '1', features: ['derive'] })).toEqual({ value: same, changes: [], keptTheirs: [] });
    expect(mergeDependency('0.8', '0.8').changes).toEqual([]);
  });
});

describe('planCrateDeps --force', () => {
  const plan = (deps: Record<string, unknown>) =>
    planCrateDeps({ crateManifest: { dependencies: deps as never }, crateFile: 'c/Cargo.toml', workspaceDeps: { tokio: '1' }, workspaceFile: 'Cargo.toml', deps: [{ name: 'tokio', features: ['net'] }], force: true });

  it('[gen-dependency-merge] moves an entry onto the workspace one keeping features and optional, and says what it said', () => {
    const p = plan({ tokio: { version: '1.38', features: ['signal'], optional: true } });
    expect(p.crate).toEqual([{ path: ['dependencies', 'tokio'], value: { workspace: true, features: ['signal', 'net'], optional: true } }]);
    expect(p.kept).toEqual(['tokio in c/Cargo.toml now follows Cargo.toml [workspace.dependencies]; it said version = "1.38" (--force)']);
  });

  it('never replaces a path, git or renamed-package entry', () => {
    const p = plan({ tokio: { path: '../tokio' } });
    expect(p.crate).toEqual([]);
    expect(p.kept[0]).toContain('its path names another source');
  });
});
