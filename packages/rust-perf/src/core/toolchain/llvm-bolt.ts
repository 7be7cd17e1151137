// llvm-bolt and merge-fdata of rustc's LLVM major. BOLT rewrites the linked binary, so it does not
// read rustc's bitcode, but matching the major keeps one supported LLVM on the machine (Debian's
// `bolt-<major>` package, as the Rust project pairs its own BOLT with its LLVM). Search order:
// LLVM_BOLT (any version: the user's explicit choice), then llvm-bolt-<major> and llvm-bolt on PATH.
// merge-fdata is taken from beside the llvm-bolt that was found (the package ships both), else
// MERGE_FDATA, merge-fdata-<major> or merge-fdata on PATH.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '../process/run';
import { cached, toolchainKey, whichSync } from './cache';
import { parseLlvmVersion } from './llvm-profdata';
import { rustcInfo, type RustcInfo } from './rustc';

export interface BoltCandidate {
  path: string;
  origin: string;
}

/** Candidate llvm-bolt paths in search order (pure; existence is checked by the caller). */
export function boltCandidates(opts: { llvmMajor: number; which: (name: string) => string | undefined; explicit?: string }): BoltCandidate[] {
  const out: BoltCandidate[] = [];
  if (opts.explicit) out.push({ path: opts.explicit, origin: 'LLVM_BOLT' });
  for (const name of [`llvm-bolt-${opts.llvmMajor}`, 'llvm-bolt']) {
    const found = opts.which(name);
    if (found) out.push({ path: found, origin: 'PATH' });
  }
  return out;
}

/** merge-fdata candidates: beside llvm-bolt (its real folder: Debian links /usr/bin/llvm-bolt-22 into /usr/lib/llvm-22/bin), then env, then PATH. */
export function mergeFdataCandidates(opts: { boltPath: string; boltRealPath: string; llvmMajor: number; which: (name: string) => string | undefined; explicit?: string }): string[] {
  const out: string[] = [];
  if (opts.explicit) out.push(opts.explicit);
  for (const dir of new Set([path.dirname(opts.boltRealPath), path.dirname(opts.boltPath)])) {
    out.push(path.join(dir, 'merge-fdata'), path.join(dir, `merge-fdata-${opts.llvmMajor}`));
  }
  for (const name of [`merge-fdata-${opts.llvmMajor}`, 'merge-fdata']) {
    const found = opts.which(name);
    if (found) out.push(found);
  }
  return [...new Set(out)];
}

export function boltInstallFix(llvmMajor: number | string): string {
  return `apt-get install bolt-${llvmMajor}   (provides llvm-bolt-${llvmMajor} and merge-fdata-${llvmMajor})`;
}

export class LlvmBoltNotFoundError extends Error {
  constructor(
    readonly llvmMajor: number,
    readonly tried: string[],
    what = 'llvm-bolt',
  ) {
    super(
      `No ${what} for LLVM ${llvmMajor} (rustc's LLVM, from \`rustc -vV\`) was found.` +
        (tried.length ? ` Tried: ${tried.join('; ')}.` : '') +
        `\nFix one of:\n  1. ${boltInstallFix(llvmMajor)}\n  2. set LLVM_BOLT=/path/to/llvm-bolt (and MERGE_FDATA=/path/to/merge-fdata if it is not beside it)`,
    );
    this.name = 'LlvmBoltNotFoundError';
  }
}

export interface LlvmBolt {
  /** llvm-bolt */
  path: string;
  mergeFdata: string;
  version: string;
  major: number;
}

async function versionOf(file: string, cwd: string): Promise<{ version: string; major: number } | undefined> {
  const r = await run(file, ['--version'], { cwd });
  return r.exitCode === 0 ? parseLlvmVersion(r.stdout + r.stderr) : undefined;
}

/**
 * Finds llvm-bolt (rustc's LLVM major unless LLVM_BOLT names one) and its merge-fdata; cached per toolchain and PATH.
 * rustc: `rustc -vV`; a run context (core/context/run-context.ts) passes its own, asked once per run.
 */
export async function findLlvmBolt(cwd: string, env: NodeJS.ProcessEnv = process.env, rustcFacts: () => Promise<RustcInfo> = () => rustcInfo(cwd, env)): Promise<LlvmBolt> {
  const rustc = await rustcFacts();
  const key = `llvm-bolt:${toolchainKey(cwd, env)}:${env.PATH ?? ''}:${env.LLVM_BOLT ?? ''}:${env.MERGE_FDATA ?? ''}`;
  const stillThere = (v: LlvmBolt | null) => v !== null && fs.existsSync(v.path) && fs.existsSync(v.mergeFdata);
  const found = await cached<LlvmBolt | null>(
    key,
    async () => {
      const tried: string[] = [];
      for (const c of boltCandidates({ llvmMajor: rustc.llvmMajor, which: (n) => whichSync(n, env), explicit: env.LLVM_BOLT })) {
        if (!fs.existsSync(c.path)) {
          tried.push(`${c.path} (missing)`);
          continue;
        }
        const v = await versionOf(c.path, cwd);
        if (!v || (c.origin !== 'LLVM_BOLT' && v.major !== rustc.llvmMajor)) {
          tried.push(`${c.path} (${v ? `LLVM ${v.version}` : 'unknown version'})`);
          continue;
        }
        const mergeTried: string[] = [];
        const candidates = mergeFdataCandidates({ boltPath: c.path, boltRealPath: fs.realpathSync(c.path), llvmMajor: v.major, which: (n) => whichSync(n, env), explicit: env.MERGE_FDATA });
        for (const m of candidates) {
          if (!fs.existsSync(m)) continue;
          const mv = await versionOf(m, cwd);
          if (mv) return { path: c.path, mergeFdata: m, version: v.version, major: v.major };
          mergeTried.push(`${m} (unknown version)`);
        }
        throw new LlvmBoltNotFoundError(v.major, [`${c.path} (LLVM ${v.version}) has no merge-fdata beside it`, ...mergeTried], 'merge-fdata');
      }
      throw new LlvmBoltNotFoundError(rustc.llvmMajor, tried);
    },
    env,
    stillThere,
  );
  if (!found) throw new LlvmBoltNotFoundError(rustc.llvmMajor, []);
  return found;
}
