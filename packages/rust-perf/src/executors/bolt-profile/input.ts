// The binary BOLT rewrites: the package built with the profile's settings (and its PGO profile when
// given), relocations kept and symbols not stripped, in a target dir of its own.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCargoBuild } from '../../core/cargo/build';
import { EMIT_RELOCS_FLAG, KEEP_SYMBOLS_FLAG, linkerOverride, type BoltLayout } from '../../core/bolt/plan';
import { missingProfileFunctions } from '../../core/pgo/stats';
import { planRustflags } from '../../core/rustflags/rustflags';
import { whichSync } from '../../core/toolchain/cache';
import { profileUseFlags } from '../../core/pgo/plan';
import { stageProfdata } from '../../core/pgo/stage';
import { CommandFailedError } from '../../core/process/run';
import { cargoArgsFrom, type BuildSetup } from '../shared/build-executor';
import type { BoltProfileExecutorOptions } from './schema';

export interface BoltInput {
  /** bin name → executable in the input target dir. */
  binaries: Map<string, string>;
  rustflags: string[];
  durationMs: number;
  profdataName?: string;
}

export class RelocsLinkError extends Error {}

/** rust-lld's answer when the profile still strips (e.g. -C strip=symbols in RUSTFLAGS): explain the flag pair. */
export function explainLinkFailure(stderr: string): string | undefined {
  if (/--strip-all and --emit-relocs may not be used together/.test(stderr))
    return (
      'the linker refuses to strip symbols (--strip-all) and keep relocations (--emit-relocs) in one link. rust-perf adds `-Cstrip=none` for this build, ' +
      'so a strip flag comes from elsewhere: remove `-C link-arg=-s`/`-Wl,--strip-all` (or a later `-C strip=…`) from RUSTFLAGS or .cargo/config.toml for this build.'
    );
  return undefined;
}

export async function buildBoltInput(o: {
  options: BoltProfileExecutorOptions;
  setup: BuildSetup;
  profile: string;
  target: string;
  bins: string[];
  layout: BoltLayout;
  workspaceRoot: string;
}): Promise<BoltInput> {
  const flags = [KEEP_SYMBOLS_FLAG, EMIT_RELOCS_FLAG];
  let profdataName: string | undefined;
  if (o.options.profdata) {
    const profdata = path.resolve(o.workspaceRoot, o.options.profdata);
    if (!fs.existsSync(profdata) || fs.statSync(profdata).size === 0)
      throw new Error(`${profdata} does not exist or is empty: run \`nx run ${o.setup.project}:pgo-profile\` first (bolt-profile depends on it), or remove the \`profdata\` option to BOLT a plain ${o.profile} build.`);
    const staged = stageProfdata(profdata, o.setup.targetDir);
    flags.unshift(...profileUseFlags(staged.usePath));
    profdataName = `${path.relative(o.workspaceRoot, profdata)} (sha256 ${staged.sha256.slice(0, 16)})`;
  }
  // The user's own flags decide the linker; mold's output cannot be BOLTed (see linkerOverride).
  const user = await planRustflags({ cargoRoot: o.setup.cargoRoot, env: process.env, add: [], target: o.target, context: o.setup.context });
  const sysrootLld = path.join(await o.setup.context.targetLibdir(), '..', 'bin', 'gcc-ld', 'ld.lld');
  const linker = linkerOverride(user.flags, fs.existsSync(sysrootLld) || whichSync('ld.lld') !== undefined);
  if (linker.note) console.log(`  note: ${linker.note}`);
  flags.push(...linker.flags);
  const base = cargoArgsFrom(o.options, o.setup.pkg, o.profile, o.target);
  let result;
  try {
    result = await runCargoBuild({
      cargoRoot: o.setup.cargoRoot,
      args: { ...base, bins: o.bins },
      addRustflags: flags,
      addedBy: 'bolt-profile (relocations and symbols llvm-bolt needs, its profdata option)',
      env: process.env,
      targetDir: o.layout.inputTargetDir,
      context: o.setup.context,
    });
  } catch (e) {
    const why = e instanceof CommandFailedError ? explainLinkFailure(e.result.stderr) : undefined;
    if (why) throw new RelocsLinkError(`${e instanceof Error ? e.message : String(e)}: ${why}`);
    throw e;
  }
  if (profdataName) {
    // Same check as build-pgo: a profile that matches the code leaves only unexecuted functions without data.
    const missing = missingProfileFunctions(result.stderr);
    console.log(`  PGO profile: ${missing.length === 0 ? 'no function of this build lacked profile data' : `${missing.length} functions of this build had no profile data`}${missing.length ? ` (e.g. ${missing.slice(0, 3).join(', ')})` : ''}`);
  }
  const binaries = new Map<string, string>();
  for (const a of result.artifacts) if (a.kind === 'bin' && o.bins.includes(a.name)) binaries.set(a.name, a.executable);
  const missing = o.bins.filter((b) => !binaries.has(b));
  if (missing.length > 0) throw new Error(`cargo reported no executable for ${missing.join(', ')} (artifacts: ${result.artifacts.map((a) => `${a.kind} ${a.name}`).join(', ') || 'none'})`);
  return { binaries, rustflags: result.rustflags, durationMs: result.durationMs, profdataName };
}
