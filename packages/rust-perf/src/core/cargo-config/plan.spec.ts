import { cfgMatches } from '../rustflags/cfg';
import { getIn, parseToml } from '../toml/toml';
import { planCargoConfig, plannedTables } from './plan';
import { flagUnits } from '../rustflags/units';
import type { ConfigPlanInput } from './plan';

const linux = { arch: 'x86_64', os: 'linux' };
const mold = ['-C', 'link-arg=-fuse-ld=mold'];
const MUSL = ['target_abi=""', 'target_arch="x86_64"', 'target_endian="little"', 'target_env="musl"', 'target_family="unix"', 'target_os="linux"', 'target_pointer_width="64"', 'target_vendor="unknown"', 'unix'];
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
# [build] rustflags whenever a target table matches, and joins all matching target tables (so these
# tables are narrowed to never match a build your own target tables match).
# Profiles belong in Cargo.toml, not here (a [profile] here silently overrides it).

# x86_64 on this host OS: CPU tuning plus the linker.
# -fuse-ld=mold (init --linker mold): every machine that builds this repository, CI runners included, needs mold installed (apt-get install mold / brew install mold); nx g rust-perf:init --linker default removes it.
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
      `${existing}\n# CPU tuning for x86_64 targets only (the building machine's CPU: every binary built from this config, CI artifacts included, needs that CPU).\n[target.'cfg(target_arch = "x86_64")']\nrustflags = ["-C", "target-cpu=native", "-C", "force-frame-pointers=yes"]\n`,
    );
    expect(plan.notes.join('\n')).toContain('cargo ignores [build] rustflags when a [target] table matches');
  });

  it('is idempotent: a second run changes nothing', () => {
    const first = planCargoConfig({ ...base, existing: '[build]\nrustflags = "-C force-frame-pointers=yes"\n', linkerFlags: mold }).text!;
    const second = planCargoConfig({ ...base, existing: first, linkerFlags: mold });
    expect(second.text).toBe(first);
    expect(second.kept).toEqual([]);
  });

  it('keeps the target-cpu of its table when --cpu is not named; a named --cpu replaces only that flag', () => {
    const existing = `[target.'cfg(target_arch = "x86_64")']\nrustflags = ["-C", "target-cpu=skylake", "--cfg", "mine"] # tuned\n`;
    const unnamed = planCargoConfig({ ...base, existing, cpu: undefined });
    expect(unnamed.text).toBe(existing);
    expect(unnamed.kept).toEqual([]);
    const named = planCargoConfig({ ...base, existing });
    expect(named.text).toBe(`[target.'cfg(target_arch = "x86_64")']\nrustflags = ["-C", "target-cpu=native", "--cfg", "mine"] # tuned\n`);
    expect(named.notes).toEqual([`replaced -C target-cpu=skylake with -C target-cpu=native in rust/.cargo/config.toml [target.'cfg(target_arch = "x86_64")'] rustflags`]);
  });

  it('--cpu none removes the CPU flag an earlier run wrote (and its table), no --force needed; without --cpu it stays', () => {
    const first = planCargoConfig(base).text!;
    const none = planCargoConfig({ ...base, existing: first, cpu: 'none' });
    expect(none.text).not.toContain('target-cpu');
    expect(none.text).not.toMatch(/^\[target\./m);
    expect(planCargoConfig({ ...base, existing: first, cpu: undefined }).text).toBe(first);
  });

  it('--linker default removes the -fuse-ld flag an earlier init wrote and keeps its target-cpu; without --linker the flag stays', () => {
    const first = planCargoConfig({ ...base, linkerFlags: mold }).text!;
    expect(planCargoConfig({ ...base, existing: first, cpu: undefined, linkerFlags: undefined }).text).toBe(first);
    const plain = planCargoConfig({ ...base, existing: first, cpu: undefined, linkerFlags: [] });
    expect(plain.text).not.toContain('fuse-ld');
    expect(plain.text).toContain('rustflags = ["-C", "target-cpu=native"]');
    expect(plain.kept).toEqual([]);
  });

  it('warns about [profile] tables; a target table rustc does not know stops ours, saying why', () => {
    const existing = `[profile.release]\nlto = "fat"\n\n[target.x86_64-unknown-linux-gnu]\nrustflags = ["-C", "target-cpu=native"]\n`;
    const plan = planCargoConfig({ ...base, existing });
    expect(plan.notes).toEqual([
      'rust/.cargo/config.toml has [profile.release]: it overrides Cargo.toml\'s profile of the same name without warning; consider moving it to Cargo.toml.',
      "not written: [target.'cfg(target_arch = \"x86_64\")'] with `-C target-cpu=native`, because rustc does not know the target x86_64-unknown-linux-gnu of rust/.cargo/config.toml [target.x86_64-unknown-linux-gnu] (rustc --print cfg --target x86_64-unknown-linux-gnu failed), so init cannot tell whether cargo would join both tables. Add `-C target-cpu=native` to the tables you want by hand.",
    ]);
    expect(plan.text).toBe(existing);
  });

  it('[gen-joined-target-tables] narrows our table so it never joins the user\'s musl table', () => {
    const existing = `[target.x86_64-unknown-linux-musl]\nrustflags = ["-C", "target-feature=+crt-static"]\n`;
    const plan = planCargoConfig({ ...base, existing, linkerFlags: mold, tripleCfg: { 'x86_64-unknown-linux-musl': MUSL } });
    const doc = parseToml(plan.text!, 'x');
    const keys = Object.keys(getIn(doc, ['target']) as object);
    expect(keys).toEqual(['x86_64-unknown-linux-musl', 'cfg(all(target_arch = "x86_64", target_os = "linux", not(target_env = "musl")))', 'cfg(all(target_arch = "x86_64", not(target_os = "linux")))']);
    for (const k of keys.slice(1)) expect([k, cfgMatches(k, MUSL)]).toEqual([k, false]);
    expect(plan.notes.join('\n')).toContain('ours is narrowed with not(target_env = "musl"), so x86_64-unknown-linux-musl builds get only your flags');
    // A second run recognizes its narrowed tables: nothing changes.
    expect(planCargoConfig({ ...base, existing: plan.text, linkerFlags: mold, tripleCfg: { 'x86_64-unknown-linux-musl': MUSL } }).text).toBe(plan.text);
  });

  it('[gen-joined-target-tables] narrows with not(<their cfg>) for a user cfg table that overlaps, leaves disjoint ones alone', () => {
    const existing = `[target.'cfg(target_env = "musl")']\nrustflags = ["--cfg", "static"]\n\n[target.'cfg(windows)']\nrustflags = ["--cfg", "win"]\n`;
    const plan = planCargoConfig({ ...base, existing, cpu: 'x86-64-v3' });
    expect(plan.text).toContain(`[target.'cfg(all(target_arch = "x86_64", not(target_env = "musl"), not(windows)))']`);
    const disjoint = planCargoConfig({ ...base, existing: `[target.'cfg(target_arch = "aarch64")']\nrustflags = ["--cfg", "arm"]\n`, cpu: 'x86-64-v3' });
    expect(disjoint.text).toContain(`[target.'cfg(target_arch = "x86_64")']`);
    expect(disjoint.notes).toEqual([]);
  });

  it('[gen-joined-target-tables] writes nothing when the user\'s table covers every build ours would, and says what to add by hand', () => {
    const existing = `[target.'cfg(target_arch = "x86_64")']\nrustflags = ["--cfg", "mine"]\n`;
    // That key is ours by shape, so take a user key that covers the same builds.
    const theirs = existing.replace('cfg(target_arch = "x86_64")', 'cfg(any(target_arch = "x86_64", target_arch = "x86"))');
    const plan = planCargoConfig({ ...base, existing: theirs, cpu: 'x86-64-v3' });
    expect(plan.text).toBe(theirs);
    expect(plan.notes).toEqual([expect.stringMatching(/^not written: \[target\.'cfg\(target_arch = "x86_64"\)'\] with `-C target-cpu=x86-64-v3`, because your target tables .* already cover every build it would apply to, and cargo would join both\. Add `-C target-cpu=x86-64-v3` to your table\(s\) by hand/)]);
  });

  it('a table of an earlier init that joins the user\'s table: its target-cpu moves into the narrowed table without --cpu, and is replaced with --cpu', () => {
    const musl = `[target.x86_64-unknown-linux-musl]\nrustflags = ["-C", "target-feature=+crt-static"]\n`;
    const old = `${musl}\n# x86_64 on this host OS\n[target.'cfg(all(target_arch = "x86_64", target_os = "linux"))']\nrustflags = ["-C", "target-cpu=native"]\n`;
    const input = { ...base, existing: old, cpu: undefined, tripleCfg: { 'x86_64-unknown-linux-musl': MUSL } };
    const narrowed = (cpu: string, why: string) => `${musl}\n# CPU tuning for x86_64 targets only (${why}).\n[target.'cfg(all(target_arch = "x86_64", not(all(target_os = "linux", target_env = "musl"))))']\nrustflags = ["-C", "target-cpu=${cpu}"]\n`;
    const moved = planCargoConfig(input);
    expect(moved.text).toBe(narrowed('native', "the building machine's CPU: every binary built from this config, CI artifacts included, needs that CPU"));
    expect(moved.kept).toEqual([]);
    expect(planCargoConfig({ ...input, existing: moved.text }).text).toBe(moved.text);
    const v3 = narrowed('x86-64-v3', 'AVX2/FMA/BMI2 baseline, x86-64 CPUs from ~2015 on');
    expect(planCargoConfig({ ...input, cpu: 'x86-64-v3' }).text).toBe(v3);
    expect(planCargoConfig({ ...input, cpu: 'x86-64-v3', force: true }).text).toBe(v3);
  });

  it('names file, line and column for malformed TOML', () => {
    expect(() => planCargoConfig({ ...base, existing: '[build]\nrustflags = [\n' })).toThrow(/^rust\/\.cargo\/config\.toml:\d+:\d+: invalid TOML/);
  });
});

describe('planCargoConfig: whose table is it', () => {
  it('a user table that merely looks like a narrowed one of ours is treated as the user\'s', () => {
    const existing = `[target.'cfg(all(target_arch = "x86_64", not(windows)))']\nrustflags = ["-C", "target-cpu=skylake"]\n`;
    const plan = planCargoConfig({ ...base, existing, cpu: 'x86-64-v3', force: true });
    expect(plan.text).toContain('rustflags = ["-C", "target-cpu=skylake"]');
    expect(plan.text).toContain(`[target.'cfg(all(target_arch = "x86_64", not(not(windows))))']`);
    expect(planCargoConfig({ ...base, existing: plan.text, cpu: 'x86-64-v3', force: true }).text).toBe(plan.text);
  });
});
