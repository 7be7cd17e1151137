// `rust-perf cpu-key <cargoRoot>`: the runtime input that puts the host CPU into the cache key of
// builds made with the user's rustflags, only when those flags say target-cpu=native (any layout: a
// binary built for an AVX-512 host must never be restored on a Haswell through a shared cache).
// Which flags count is cargo's rule (core/rustflags: CARGO_ENCODED_RUSTFLAGS, else RUSTFLAGS, else
// the matching [target] tables, else [build]). The output is the same on every machine unless native
// is in effect, so portable builds keep sharing one cache entry.
//
// Nx runs this on every task hash, so the common case loads no module beyond node's own: the TOML
// parser and the rustflags planner only when a config file or variable mentions target-cpu, the
// process runner only when rustc must describe the CPU.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The argv of the CPU identity rustc prints; crate-inputs' HOST_CPU_INPUT (build-native's runtime input) is this command. */
export const HOST_CPU_ARGS = ['-C', 'target-cpu=native', '--print', 'cfg', '--print', 'target-cpus'];

/** The target-cpu rustc ends up with: the last `-C target-cpu=` among the flags wins. */
export function lastTargetCpu(flags: readonly string[]): string | undefined {
  let cpu: string | undefined;
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i];
    let value: string | undefined;
    if (f === '-C' || f === '--codegen') value = flags[++i];
    else if (f.startsWith('-C')) value = f.slice(2);
    else if (f.startsWith('--codegen=')) value = f.slice('--codegen='.length);
    const m = value === undefined ? null : /^\s*target-cpu\s*=\s*(\S+)\s*$/.exec(value);
    if (m) cpu = m[1];
  }
  return cpu;
}

/** Cargo's config files for a folder (its .cargo/ and every parent's, and $CARGO_HOME's), read as text. */
function configTexts(dir: string, env: NodeJS.ProcessEnv): string[] {
  const texts: string[] = [];
  const read = (base: string) => {
    for (const name of ['config', 'config.toml']) {
      try {
        texts.push(fs.readFileSync(path.join(base, name), 'utf8'));
        return;
      } catch {
        // absent: cargo reads `config` first, then `config.toml`
      }
    }
  };
  read(path.resolve(env.CARGO_HOME ?? path.join(os.homedir(), '.cargo')));
  for (let d = dir; ; d = path.dirname(d)) {
    read(path.join(d, '.cargo'));
    if (path.dirname(d) === d) break;
  }
  return texts;
}

/** The rustflags cargo would use in cargoRoot: the cheap cases here, the rest by the rustflags planner. */
async function effectiveFlags(dir: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  // As core/rustflags/envFlags: either variable replaces every config rustflags.
  if (env.CARGO_ENCODED_RUSTFLAGS !== undefined) return env.CARGO_ENCODED_RUSTFLAGS === '' ? [] : env.CARGO_ENCODED_RUSTFLAGS.split('\x1f');
  if (env.RUSTFLAGS !== undefined) return env.RUSTFLAGS.split(/\s+/).filter(Boolean);
  const mentioned = configTexts(dir, env).some((t) => t.includes('target-cpu')) || Object.entries(env).some(([k, v]) => /^CARGO_(BUILD|TARGET_.*)_RUSTFLAGS$/.test(k) && v?.includes('target-cpu'));
  if (!mentioned) return [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { planRustflags } = require('../rustflags/rustflags') as typeof import('../rustflags/rustflags');
  return (await planRustflags({ cargoRoot: dir, env, add: [] })).flags;
}

/** The text Nx hashes: `target-cpu=<cpu>`, plus rustc's view of this CPU when the cpu is native. */
export async function cpuKey(cargoRoot: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const dir = path.resolve(cargoRoot);
  const cpu = lastTargetCpu(await effectiveFlags(dir, env)) ?? 'default';
  if (cpu !== 'native') return `target-cpu=${cpu}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runChecked } = require('../process/run') as typeof import('../process/run');
  const identity = await runChecked(env.RUSTC ?? 'rustc', HOST_CPU_ARGS, { cwd: dir });
  return `target-cpu=native\n${identity.stdout.trim()}`;
}
