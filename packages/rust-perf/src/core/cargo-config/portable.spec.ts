import { portableCargoConfig } from './portable';

const host = { arch: 'x86_64', os: 'linux' };
const FILE = 'rust/.cargo/config.toml';
// What init wrote before 0.1.0 (default --cpu native) with mold proven on a Linux host; literal, not
// planCargoConfig's output, because the migration's input must not follow later changes to init.
const OLD_WITH_MOLD = `# Written by \`nx g rust-perf:init\`. Flags live in [target.'cfg(…)'] tables only: cargo ignores
# [build] rustflags whenever a target table matches, and joins all matching target tables.
# Profiles belong in Cargo.toml, not here (a [profile] here silently overrides it).

# x86_64 on this host OS: CPU tuning plus the linker proven here.
[target.'cfg(all(target_arch = "x86_64", target_os = "linux"))']
rustflags = ["-C", "target-cpu=native", "-C", "link-arg=-fuse-ld=mold"]

# Other x86_64 targets (Windows/MSVC, macOS, …): CPU tuning only, no linker flags.
[target.'cfg(all(target_arch = "x86_64", not(target_os = "linux")))']
rustflags = ["-C", "target-cpu=native"]
`;
// The same without a proven linker (--linker system), below a user's own table and [build] flags.
const OLD_CPU_ONLY = `[build]
rustflags = ["-C", "force-frame-pointers=yes"]

[target.x86_64-unknown-linux-musl]
rustflags = ["-C", "target-feature=+crt-static"]

# CPU tuning for x86_64 targets only (this machine's CPU: do not ship these binaries to other machines).
[target.'cfg(target_arch = "x86_64")']
rustflags = ["-C", "target-cpu=native", "-C", "force-frame-pointers=yes"]
`;

describe('portableCargoConfig: the 0.1.0 migration', () => {
  it('drops target-cpu=native from init tables and keeps the linker init proved', () => {
    const change = portableCargoConfig(OLD_WITH_MOLD, FILE, host);
    expect(change.tables).toEqual([`[target.'cfg(all(target_arch = "x86_64", target_os = "linux"))']`, `[target.'cfg(all(target_arch = "x86_64", not(target_os = "linux")))']`]);
    expect(change.text).toMatchInlineSnapshot(`
"# Written by \`nx g rust-perf:init\`. Flags live in [target.'cfg(…)'] tables only: cargo ignores
# [build] rustflags whenever a target table matches, and joins all matching target tables.
# Profiles belong in Cargo.toml, not here (a [profile] here silently overrides it).

# Linker for this host OS (x86_64-linux); other targets keep rustc's default linker.
# -fuse-ld=mold (init --linker mold): every machine that builds this repository, CI runners included, needs mold installed (apt-get install mold / brew install mold); nx g rust-perf:init --linker default removes it.
[target.'cfg(all(target_arch = "x86_64", target_os = "linux"))']
rustflags = ["-C", "link-arg=-fuse-ld=mold"]
"
`);
  });

  it('removes a table left with only the copied [build] flags, and leaves the user tables alone', () => {
    const change = portableCargoConfig(OLD_CPU_ONLY, FILE, host);
    expect(change.tables).toEqual([`[target.'cfg(target_arch = "x86_64")']`]);
    expect(change.text).toMatchInlineSnapshot(`
"[build]
rustflags = ["-C", "force-frame-pointers=yes"]

[target.x86_64-unknown-linux-musl]
rustflags = ["-C", "target-feature=+crt-static"]
"
`);
  });

  it('changes nothing in a portable config, an x86-64-v3 choice or a user table of its own with native', () => {
    const portable = `[target.'cfg(all(target_arch = "x86_64", target_os = "linux"))']\nrustflags = ["-C", "link-arg=-fuse-ld=mold"]\n`;
    const v3 = `[target.'cfg(target_arch = "x86_64")']\nrustflags = ["-C", "target-cpu=x86-64-v3"]\n`;
    const users = `[target.x86_64-unknown-linux-gnu]\nrustflags = ["-C", "target-cpu=native"]\n`;
    for (const text of [portable, v3, users, '']) expect(portableCargoConfig(text, FILE, host)).toEqual({ text: null, tables: [], notes: [] });
  });

  it('[gen-migration-malformed-config] names the file, line and column of a malformed config', () => {
    expect(() => portableCargoConfig('[target\nrustflags = 1\n', FILE, host)).toThrow(/^rust\/\.cargo\/config\.toml:2:1: invalid TOML/);
  });
});
