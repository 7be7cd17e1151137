// llvm-profdata must come from the same LLVM major as rustc: an older one rejects rustc's .profraw
// ("unsupported instrumentation profile format version"). Search order as cargo-pgo: the sysroot's
// llvm-tools, then llvm-profdata-<major> and llvm-profdata on PATH, each checked with --version.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '../process/run';
import { cached, toolchainKey, whichSync } from './cache';
import { rustcInfo, rustcTargetLibdir, type RustcInfo } from './rustc';

/** LLVM major from `llvm-profdata --version` ("Debian LLVM version 22.1.8", "LLVM version 22.1.2-rust-1.95.0-stable"). */
export function parseLlvmVersion(text: string): { version: string; major: number } | undefined {
  const m = /LLVM version (\d+)\.(\d+)(?:\.(\d+))?/i.exec(text);
  if (!m) return undefined;
  return { version: m[0].replace(/^LLVM version /i, ''), major: Number(m[1]) };
}

export interface ProfdataCandidate {
  path: string;
  origin: string;
}

/** Candidate paths in search order (pure; existence is checked by the caller). */
export function profdataCandidates(opts: { targetLibdir?: string; llvmMajor: number; which: (name: string) => string | undefined; explicit?: string }): ProfdataCandidate[] {
  const out: ProfdataCandidate[] = [];
  if (opts.explicit) out.push({ path: opts.explicit, origin: 'LLVM_PROFDATA' });
  if (opts.targetLibdir) out.push({ path: path.join(opts.targetLibdir, '..', 'bin', 'llvm-profdata'), origin: 'rustup llvm-tools' });
  for (const name of [`llvm-profdata-${opts.llvmMajor}`, 'llvm-profdata']) {
    const found = opts.which(name);
    if (found) out.push({ path: found, origin: 'PATH' });
  }
  return out;
}

export class LlvmProfdataNotFoundError extends Error {
  constructor(
    readonly llvmMajor: number,
    readonly tried: string[],
  ) {
    super(
      `No llvm-profdata for LLVM ${llvmMajor} (rustc's LLVM, from \`rustc -vV\`) was found.` +
        (tried.length ? ` Tried: ${tried.join('; ')}.` : '') +
        `\nFix one of:\n  1. rustup component add llvm-tools\n  2. apt-get install llvm-${llvmMajor}   (provides llvm-profdata-${llvmMajor})\n  3. set LLVM_PROFDATA=/path/to/llvm-profdata (LLVM ${llvmMajor})`,
    );
    this.name = 'LlvmProfdataNotFoundError';
  }
}

export interface LlvmProfdata {
  path: string;
  version: string;
  major: number;
}

/** The rustc facts the search needs; a run context (core/context/run-context.ts) passes its own, asked once per run. */
export interface ProfdataFacts {
  rustc: () => Promise<RustcInfo>;
  targetLibdir: () => Promise<string>;
}

/** Finds an llvm-profdata matching rustc's LLVM major; the answer is cached per toolchain and PATH. */
export async function findLlvmProfdata(
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
  facts: ProfdataFacts = { rustc: () => rustcInfo(cwd, env), targetLibdir: () => rustcTargetLibdir(cwd, env) },
): Promise<LlvmProfdata> {
  const rustc = await facts.rustc();
  const key = `llvm-profdata:${toolchainKey(cwd, env)}:${env.PATH ?? ''}:${env.LLVM_PROFDATA ?? ''}`;
  const stillThere = (v: LlvmProfdata | null) => v !== null && fs.existsSync(v.path);
  const found = await cached<LlvmProfdata | null>(
    key,
    async () => {
      const tried: string[] = [];
      const candidates = profdataCandidates({ targetLibdir: await facts.targetLibdir(), llvmMajor: rustc.llvmMajor, which: (n) => whichSync(n, env), explicit: env.LLVM_PROFDATA });
      for (const c of candidates) {
        if (!fs.existsSync(c.path)) {
          tried.push(`${c.path} (missing)`);
          continue;
        }
        let r = await run(c.path, ['--version'], { cwd });
        // LLVM ≤ 14 has no top-level --version ("Unknown command!"); its subcommands do.
        if (!parseLlvmVersion(r.stdout + r.stderr)) r = await run(c.path, ['merge', '--version'], { cwd });
        const v = parseLlvmVersion(r.stdout + r.stderr);
        if (r.exitCode === 0 && v && v.major === rustc.llvmMajor) return { path: c.path, version: v.version, major: v.major };
        tried.push(`${c.path} (${v ? `LLVM ${v.version}` : 'unknown version'})`);
      }
      throw new LlvmProfdataNotFoundError(rustc.llvmMajor, tried);
    },
    env,
    stillThere,
  );
  if (!found) throw new LlvmProfdataNotFoundError(rustc.llvmMajor, []);
  return found;
}
