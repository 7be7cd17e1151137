// What both the rustflags planner's provenance and init's config planner (core/cargo-config/) need:
// flags split into the units rustc reads, and the build target's arch and OS.

/** The build target's arch and OS (cfg target_arch and target_os), e.g. x86_64 / linux. */
export interface Host {
  /** cfg target_arch of the host, e.g. x86_64, aarch64. */
  arch: string;
  /** cfg target_os of the host, e.g. linux, macos. */
  os: string;
}

/** Splits rustflags into units: `-C x` / `-Cx` / `--cfg x` / `-L x` … count as one unit. */
export function flagUnits(flags: readonly string[]): string[][] {
  const units: string[][] = [];
  const takesValue = new Set(['-C', '--cfg', '-L', '-l', '-A', '-W', '-D', '-F', '--cap-lints', '-Z', '--check-cfg']);
  for (let i = 0; i < flags.length; i++) {
    if (takesValue.has(flags[i]) && i + 1 < flags.length) units.push([flags[i], flags[++i]]);
    else units.push([flags[i]]);
  }
  return units;
}
