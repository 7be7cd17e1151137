// Will the chosen Cargo profile keep the symbols a flamegraph needs, and which link args does perf want?
import * as fs from 'node:fs';
import { getIn, parseToml } from '../toml/toml';

// Cargo's built-in profiles (cargo reference, "Default profiles"); bench inherits release, test dev.
const BUILT_IN_PARENT: Record<string, string> = { bench: 'release', test: 'dev' };
const BUILT_IN = new Set(['dev', 'release', 'bench', 'test']);

export interface ProfileSymbols {
  /** Cargo's `strip` setting after inheritance: "none", "debuginfo" or "symbols". */
  strip: 'none' | 'debuginfo' | 'symbols';
  /** Where the deciding value came from, for messages. */
  source: string;
}

function normalizeStrip(value: unknown): ProfileSymbols['strip'] | undefined {
  if (value === true || value === 'symbols' || value === 'true') return 'symbols';
  if (value === false || value === 'none' || value === 'false') return 'none';
  if (value === 'debuginfo') return 'debuginfo';
  return undefined;
}

/** Resolves `strip` for a profile from the workspace manifest, following `inherits`; env CARGO_PROFILE_<NAME>_STRIP wins. */
export function resolveStrip(manifestText: string, manifestFile: string, profile: string, env: NodeJS.ProcessEnv): ProfileSymbols {
  const manifest = parseToml(manifestText, manifestFile);
  const seen = new Set<string>();
  let name: string | undefined = profile;
  while (name && !seen.has(name)) {
    seen.add(name);
    const envKey = `CARGO_PROFILE_${name.toUpperCase().replace(/-/g, '_')}_STRIP`;
    const fromEnv = normalizeStrip(env[envKey]);
    if (fromEnv) return { strip: fromEnv, source: envKey };
    const table = getIn(manifest, ['profile', name]) as Record<string, unknown> | undefined;
    const fromManifest = normalizeStrip(table?.strip);
    if (fromManifest) return { strip: fromManifest, source: `${manifestFile} [profile.${name}] strip` };
    const inherits: string | undefined = typeof table?.inherits === 'string' ? table.inherits : undefined;
    if (!table && !BUILT_IN.has(name)) {
      throw new Error(`${manifestFile}: the profile \`${profile}\` is not defined (no [profile.${name}] table). Define it or choose another profile.`);
    }
    name = inherits ?? BUILT_IN_PARENT[name];
  }
  return { strip: 'none', source: 'cargo default' };
}

/** Is a profile defined in the manifest (e.g. `profiling`, which init adds)? */
export function definesProfile(manifestText: string, manifestFile: string, profile: string): boolean {
  return getIn(parseToml(manifestText, manifestFile), ['profile', profile]) !== undefined;
}

/**
 * lld and mold put read-only data in its own segment before the code; perf then misattributes
 * samples to the wrong mapping. `--no-rosegment` restores the GNU ld layout (cargo-flamegraph does the same).
 * rustc ≥ 1.90 links x86_64-unknown-linux-gnu with its bundled lld unless told otherwise.
 */
export function usesLldOrMold(flags: readonly string[], target: string, rustcRelease: string): boolean {
  const joined = flags.join(' ');
  if (/-fuse-ld=(lld|mold)|linker-flavor=[\w-]*lld|ld\.lld|ld\.mold|\bmold\b/.test(joined)) return true;
  if (/-fuse-ld=(bfd|gold)|link-self-contained=-linker|linker-features=-lld/.test(joined)) return false;
  const [major, minor] = rustcRelease.split('.').map((n) => Number.parseInt(n, 10));
  return target === 'x86_64-unknown-linux-gnu' && (major > 1 || (major === 1 && minor >= 90));
}

/** Whether an ELF file still has a symbol table (.symtab); a stripped binary only shows hex addresses. */
export function elfHasSymtab(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const header = Buffer.alloc(64);
    fs.readSync(fd, header, 0, 64, 0);
    if (header.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${file} is not an ELF file`);
    const is64 = header[4] === 2;
    const le = header[5] === 1;
    const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const shoff = is64 ? Number(le ? header.readBigUInt64LE(0x28) : header.readBigUInt64BE(0x28)) : u32(header, 0x20);
    const shentsize = u16(header, is64 ? 0x3a : 0x2e);
    const shnum = u16(header, is64 ? 0x3c : 0x30);
    const table = Buffer.alloc(shentsize * shnum);
    fs.readSync(fd, table, 0, table.length, shoff);
    const SHT_SYMTAB = 2;
    for (let i = 0; i < shnum; i++) if (u32(table, i * shentsize + 4) === SHT_SYMTAB) return true;
    return false;
  } finally {
    fs.closeSync(fd);
  }
}
