// "Did PGO help here?" in counted work: the same workload counted on the build without the profile
// and the build with it, both at COUNT_CPU, so the answer does not flip with the machine's load.
import { profileUseFlags } from '../pgo/plan';
import { buildCountedBinary, COUNT_CPU } from './counted-build';
import { countProgram, type CountResult } from './count';
import { formatCount, percentChange } from './format';

export interface BeforeAfterPgo {
  cargoRoot: string;
  package: string;
  profile: string;
  bin: string;
  /** The content-named .profdata the optimized build reads. */
  profileUsePath: string;
  host: string;
  targetDir: string;
  args: readonly string[];
  argsSource: string;
  cwd: string;
  env?: Record<string, string>;
  features?: string[];
  print?: (line: string) => void;
}

export interface BeforeAfterResult {
  before: CountResult;
  after: CountResult;
  /** The lines printed (also returned for tests). */
  lines: string[];
}

/** Lines comparing two counted runs: instructions, estimated cycles, branch mispredicts, LL misses, allocations. */
export function describeBeforeAfter(before: CountResult, after: CountResult, header: string): string[] {
  if (!before.counted || !after.counted) {
    return [header, ...(!before.counted ? [`  without PGO: not counted: ${before.reason}`] : []), ...(!after.counted ? [`  with PGO: not counted: ${after.reason}`] : [])];
  }
  const row = (label: string, b: number, a: number) => `  ${label.padEnd(20)} ${formatCount(b).padStart(10)} → ${formatCount(a).padStart(10)} (${percentChange(a, b)})`;
  const b = before.simulated;
  const a = after.simulated;
  return [
    header,
    row('instructions', b.instructions, a.instructions),
    row('estimated cycles', b.estimatedCycles, a.estimatedCycles),
    row('branch mispredicts', b.branchMispredicts, a.branchMispredicts),
    row('LL misses', b.llMisses, a.llMisses),
    ...(before.heap && after.heap ? [row('allocations', before.heap.allocations, after.heap.allocations)] : []),
  ];
}

export async function countBeforeAfterPgo(o: BeforeAfterPgo): Promise<BeforeAfterResult> {
  const print = o.print ?? ((l: string) => console.log(l));
  const common = { cargoRoot: o.cargoRoot, package: o.package, profile: o.profile, bin: o.bin, targetDir: o.targetDir, features: o.features, print };
  // The same target dir names as perf-report's counted builds, so one reuses the other's.
  const beforeExe = await buildCountedBinary({ ...common, addRustflags: [], name: o.profile });
  const afterExe = await buildCountedBinary({ ...common, addRustflags: profileUseFlags(o.profileUsePath), target: o.host, name: 'pgo' });
  print(`  counting \`${o.bin} ${o.args.join(' ')}\` without and with PGO …`);
  const before = await countProgram({ file: beforeExe, args: o.args, cwd: o.cwd, env: o.env });
  const after = await countProgram({ file: afterExe, args: o.args, cwd: o.cwd, env: o.env });
  const lines = describeBeforeAfter(before, after, `Counted work of \`${o.bin} ${o.args.join(' ')}\` (args from ${o.argsSource}), profile \`${o.profile}\` at -C target-cpu=${COUNT_CPU}, without → with PGO:`);
  for (const l of lines) print(l);
  return { before, after, lines };
}
