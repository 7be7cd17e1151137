// What rustc cargo will run: version, host triple and LLVM major (PGO needs a matching llvm-profdata).
import { runChecked } from '../process/run';
import { cached, toolchainKey } from './cache';

export interface RustcInfo {
  release: string;
  host: string;
  llvmVersion: string;
  llvmMajor: number;
  commitHash: string;
  raw: string;
}

export class RustcInfoError extends Error {}

/** Parses `rustc -vV` output. */
export function parseRustcVerbose(raw: string): RustcInfo {
  const fields = new Map<string, string>();
  for (const line of raw.split(/\r?\n/)) {
    const m = /^([\w -]+):\s*(.*)$/.exec(line.trim());
    if (m) fields.set(m[1].trim(), m[2].trim());
  }
  const host = fields.get('host');
  const release = fields.get('release');
  if (!host || !release) throw new RustcInfoError(`unexpected \`rustc -vV\` output (no host/release line):\n${raw}`);
  const llvmVersion = fields.get('LLVM version') ?? '';
  const llvmMajor = Number.parseInt(llvmVersion.split('.')[0] ?? '', 10);
  return { release, host, llvmVersion, llvmMajor: Number.isFinite(llvmMajor) ? llvmMajor : NaN, commitHash: fields.get('commit-hash') ?? '', raw };
}

/** `rustc -vV` for the toolchain cargo would use in cwd, cached per toolchain. */
export async function rustcInfo(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<RustcInfo> {
  const key = `rustc-vV:${toolchainKey(cwd, env)}`;
  const raw = await cached(
    key,
    async () => (await runChecked(env.RUSTC ?? 'rustc', ['-vV'], { cwd, env: pickToolchainEnv(env) })).stdout,
    env,
    (v) => typeof v === 'string' && v.includes('host:'),
  );
  return parseRustcVerbose(raw);
}

/** `rustc --print cfg [--target t]` as a list of `name` / `name="value"` entries, cached per toolchain. */
export async function rustcCfg(cwd: string, target: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const key = `rustc-cfg:${target ?? 'host'}:${toolchainKey(cwd, env)}`;
  return cached(
    key,
    async () => {
      const args = ['--print', 'cfg', ...(target ? ['--target', target] : [])];
      const out = (await runChecked(env.RUSTC ?? 'rustc', args, { cwd, env: pickToolchainEnv(env) })).stdout;
      return out.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    },
    env,
    (v) => Array.isArray(v),
  );
}

/** `rustc --print target-libdir`, cached per toolchain. */
export async function rustcTargetLibdir(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const key = `rustc-libdir:${toolchainKey(cwd, env)}`;
  return cached(key, async () => (await runChecked(env.RUSTC ?? 'rustc', ['--print', 'target-libdir'], { cwd, env: pickToolchainEnv(env) })).stdout.trim(), env, (v) => typeof v === 'string' && v.length > 0);
}

// run() extends process.env; only a caller-provided environment that differs needs passing on.
function pickToolchainEnv(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  if (env === process.env) return {};
  return { PATH: env.PATH, RUSTUP_TOOLCHAIN: env.RUSTUP_TOOLCHAIN, RUSTUP_HOME: env.RUSTUP_HOME, CARGO_HOME: env.CARGO_HOME };
}
