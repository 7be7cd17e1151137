import { flagUnits, planCargoConfig, plannedTables } from './plan';
import type { ConfigPlanInput } from './plan';
import { parseToml } from '../toml/toml';

const linux = { arch: 'x86_64', os: 'linux' };
const mold = ['-C', 'link-arg=-fuse-ld=mold'];
const base: ConfigPlanInput = { existing: null, file: 'rust/.cargo/config.toml', cpu: 'native', linkerFlags: [], host: linux, force: false };

describe('plannedTables', () => {
  it.each([
    ['native, no linker', 'native', [], { 'cfg(target_arch = "x86_64")': ['-C', 'target-cpu=native'] }],
    ['x86-64-v3, no linker', 'x86-64-v3', [], { 'cfg(target_arch = "x86_64")': ['-C', 'target-cpu=x86-64-v3'] }],
    ['none, no linker', 'none', [], {}],
    ['none, mold', 'none', mold, { 'cfg(all(target_arch = "x86_64", target_os = "linux"))': mold }],
    [
      'native, mold',
      'native',
      mold,
      {
        'cfg(all(target_arch = "x86_64", target_os = "linux"))': ['-C', 'target-cpu=native', ...mold],
        'cfg(all(target_arch = "x86_64", not(target_os = "linux")))': ['-C', 'target-cpu=native'],
      },
    ],
  ] as const)('%s', (_name, cpu, linker, expected) => {
    const tables = plannedTables(cpu, linker, linux);
    expect(Object.fromEntries(tables.map((t) => [t.cfg, t.flags]))).toEqual(expected);
  });

  it('keeps linker and CPU tables disjoint on an aarch64 host', () => {
    const tables = plannedTables('native', mold, { arch: 'aarch64', os: 'linux' });
    expect(tables.map((t) => t.cfg)).toEqual(['cfg(target_arch = "x86_64")', 'cfg(all(target_arch = "aarch64", target_os = "linux"))']);
  });

  it('never puts a -fuse-ld flag where a Windows/MSVC or macOS target could match', () => {
    for (const t of plannedTables('native', mold, linux)) {
      if (t.flags.some((f) => f.includes('fuse-ld'))) expect(t.cfg).toContain('target_os = "linux"');
    }
  });
});

describe('flagUnits', () => {
  it.each([
    [['-C', 'target-cpu=native', '-Cforce-frame-pointers=yes', '--cfg', 'tokio_unstable', '-g'], [['-C', 'target-cpu=native'], ['-Cforce-frame-pointers=yes'], ['--cfg', 'tokio_unstable'], ['-g']]],
    [[], []],
  ])('%j', (flags, units) => expect(flagUnits(flags)).toEqual(units));
});

describe('planCargoConfig', () => {
  it('writes a new file with cfg-scoped flags only, no [build] rustflags and no [profile]', () => {
    const plan = planCargoConfig({ ...base, linkerFlags: mold });
    expect(plan.text).toMatchInlineSnapshot(`
"# Written by \`nx g rust-perf:init\`. Flags live in [target.'cfg(…)'] tables only: cargo ignores
# [build] rustflags whenever a target table matches, and joins all matching target tables.
# Profiles belong in Cargo.toml, not here (a [profile] here silently overrides it).

# x86_64 on this host OS: CPU tuning plus the linker proven here.
[target.'cfg(all(target_arch = "x86_64", target_os = "linux"))']
rustflags = ["-C", "target-cpu=native", "-C", "link-arg=-fuse-ld=mold"]

# Other x86_64 targets (Windows/MSVC, macOS, …): CPU tuning only, no linker flags.
[target.'cfg(all(target_arch = "x86_64", not(target_os = "linux")))']
rustflags = ["-C", "target-cpu=native"]
"
`);
    const doc = parseToml(plan.text!, 'x');
    expect(doc.build).toBeUndefined();
    expect(doc.profile).toBeUndefined();
    expect(plan.text).not.toMatch(/avx2|fma/);
  });

  it('writes nothing when there is no file and nothing to add', () => {
    expect(planCargoConfig({ ...base, cpu: 'none' }).text).toBeNull();
  });

  it('copies the user\'s [build] rustflags into the target table, keeping comments and [build]', () => {
    const existing = `# my config\n[build]\nrustflags = ["-C", "force-frame-pointers=yes"] # for perf\n\n[alias]\nb = "build"\n`;
    const plan = planCargoConfig({ ...base, existing });
    expect(plan.text).toBe(
      `${existing}\n# CPU tuning for x86_64 targets only (this machine's CPU: do not ship these binaries to other machines).\n[target.'cfg(target_arch = "x86_64")']\nrustflags = ["-C", "target-cpu=native", "-C", "force-frame-pointers=yes"]\n`,
    );
    expect(plan.notes.join('\n')).toContain('cargo ignores [build] rustflags when a [target] table matches');
  });

  it('is idempotent: a second run changes nothing', () => {
    const first = planCargoConfig({ ...base, existing: '[build]\nrustflags = "-C force-frame-pointers=yes"\n', linkerFlags: mold }).text!;
    const second = planCargoConfig({ ...base, existing: first, linkerFlags: mold });
    expect(second.text).toBe(first);
    expect(second.kept).toEqual([]);
  });

  it('keeps a user\'s target-cpu unless --force', () => {
    const existing = `[target.'cfg(target_arch = "x86_64")']\nrustflags = ["-C", "target-cpu=skylake", "--cfg", "mine"] # tuned\n`;
    const kept = planCargoConfig({ ...base, existing });
    expect(kept.text).toBe(existing);
    expect(kept.kept).toEqual([`kept -C target-cpu=skylake in rust/.cargo/config.toml [target.'cfg(target_arch = "x86_64")'] rustflags (use --force to set -C target-cpu=native)`]);
    const forced = planCargoConfig({ ...base, existing, force: true });
    expect(forced.text).toBe(`[target.'cfg(target_arch = "x86_64")']\nrustflags = ["-C", "target-cpu=native", "--cfg", "mine"] # tuned\n`);
  });

  it('--cpu none --force removes the CPU flag an earlier run wrote', () => {
    const first = planCargoConfig(base).text!;
    const none = planCargoConfig({ ...base, existing: first, cpu: 'none', force: true });
    expect(none.text).not.toContain('target-cpu');
    const notForced = planCargoConfig({ ...base, existing: first, cpu: 'none' });
    expect(notForced.kept[0]).toContain('use --force to remove it');
  });

  it('warns about [profile] tables and other matching target tables', () => {
    const existing = `[profile.release]\nlto = "fat"\n\n[target.x86_64-unknown-linux-gnu]\nrustflags = ["-C", "target-cpu=native"]\n`;
    const plan = planCargoConfig({ ...base, existing });
    expect(plan.notes).toEqual([
      'rust/.cargo/config.toml has [profile.release]: it overrides Cargo.toml\'s profile of the same name without warning; consider moving it to Cargo.toml.',
      'rust/.cargo/config.toml [target.x86_64-unknown-linux-gnu] has rustflags too: cargo joins every matching target table, so check they do not repeat ours.',
    ]);
  });

  it('names file, line and column for malformed TOML', () => {
    expect(() => planCargoConfig({ ...base, existing: '[build]\nrustflags = [\n' })).toThrow(/^rust\/\.cargo\/config\.toml:\d+:\d+: invalid TOML/);
  });
});
