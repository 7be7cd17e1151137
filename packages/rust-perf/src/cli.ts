// `rust-perf doctor [--json] [--cargoRoot <dir>]`: the checks without Nx, for a first look at a machine.
// `rust-perf cpu-key <cargoRoot>`: the runtime cache-key input of inferred builds (core/cargo/cpu-key.ts).
// `rust-perf lock-hash <cargoRoot>`: Cargo.lock's sha256, the runtime cache-key input that keys builds on a git-ignored lockfile.
// `rust-perf bolt-version <cargoRoot>`: the llvm-bolt bolt-profile/build-bolt would run, for their cache key.
// `rust-perf compare-refs`: the commits the refs `bench --compareRef` compared with name now, for atomized benches' cache key.
// `rust-perf bench-plan | bench-shard | bench-summary`: atomized benches over CI machines (bench-shards-cli.ts).
// Each command loads its modules on use: cpu-key runs on every task hash, so it must start fast.

const USAGE =
  'usage: rust-perf doctor [--json] [--cargoRoot <folder of the Cargo workspace>]\n       rust-perf cpu-key <folder of the Cargo workspace>\n       rust-perf lock-hash <folder of the Cargo workspace>\n       rust-perf bolt-version <folder of the Cargo workspace>\n       rust-perf compare-refs\n' +
  '       rust-perf bench-plan | bench-shard | bench-summary (rust-perf bench-plan --help)';
const SHARD_COMMANDS = ['bench-plan', 'bench-shard', 'bench-summary'];

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'cpu-key') return cpuKeyCommand(rest);
  if (command === 'bolt-version') return boltVersionCommand(rest);
  if (command === 'compare-refs') return compareRefsCommand();
  if (command === 'lock-hash') return lockHashCommand(rest);
  if (SHARD_COMMANDS.includes(command)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const shards = require('./bench-shards-cli') as typeof import('./bench-shards-cli');
    if (rest[0] === '--help' || rest[0] === '-h') {
      process.stdout.write(`usage:\n${shards.SHARDS_USAGE}\n`);
      return 0;
    }
    return shards.shardsCommand(command, rest);
  }
  if (command !== 'doctor') {
    process.stderr.write(`${USAGE}\n`);
    return command === '--help' || command === '-h' ? 0 : 2;
  }
  let json = false;
  let cargoRoot: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--json') json = true;
    else if (arg === '--cargoRoot' || arg === '--cargo-root') cargoRoot = rest[++i];
    else if (arg.startsWith('--cargoRoot=')) cargoRoot = arg.slice('--cargoRoot='.length);
    else {
      process.stderr.write(`unknown argument ${JSON.stringify(arg)}\n${USAGE}\n`);
      return 2;
    }
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { formatReport, runDoctor } = require('./core/doctor/doctor') as typeof import('./core/doctor/doctor');
    const report = await runDoctor(process.cwd(), cargoRoot);
    process.stdout.write(formatReport(report, json) + '\n');
    return report.exitCode;
  } catch (e) {
    process.stderr.write(`rust-perf doctor: ${(e as Error).message}\n`);
    return 1;
  }
}

async function cpuKeyCommand(args: string[]): Promise<number> {
  if (args.length !== 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { cpuKey } = require('./core/cargo/cpu-key') as typeof import('./core/cargo/cpu-key');
    process.stdout.write(`${await cpuKey(args[0])}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`rust-perf cpu-key: ${(e as Error).message}\n`);
    return 1;
  }
}

function lockHashCommand(args: string[]): number {
  if (args.length !== 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { lockHash } = require('./core/cargo/lock-hash') as typeof import('./core/cargo/lock-hash');
    process.stdout.write(`${lockHash(args[0])}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`rust-perf lock-hash: ${(e as Error).message}\n`);
    return 1;
  }
}

// Never fails: a machine without llvm-bolt still hashes (and the task then says how to install it).
async function boltVersionCommand(args: string[]): Promise<number> {
  if (args.length !== 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { findLlvmBolt } = require('./core/toolchain/llvm-bolt') as typeof import('./core/toolchain/llvm-bolt');
    const bolt = await findLlvmBolt(args[0]);
    process.stdout.write(`llvm-bolt ${bolt.version}\n`);
  } catch {
    process.stdout.write('no llvm-bolt\n');
  }
  return 0;
}

// Never fails: a task hash must not break on git trouble; the key then says what it could not resolve.
async function compareRefsCommand(): Promise<number> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { resolveComparedRefs } = require('./core/bench/gate/compare-refs') as typeof import('./core/bench/gate/compare-refs');
    process.stdout.write(`${await resolveComparedRefs(process.cwd())}\n`);
  } catch (e) {
    process.stdout.write(`compare-refs unknown: ${(e as Error).message}\n`);
  }
  return 0;
}
