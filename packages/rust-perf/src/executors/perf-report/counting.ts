// perf-report's counted columns: each distinct build at COUNT_CPU counted under cachegrind countRuns
// times and DHAT once (core/count); rows counted work cannot describe say why (their notCounted).
import { formatSeconds, type Progress } from '../../core/progress';
import { buildCountedBinary, COUNT_CPU, countRepeated, formatCount, type CountResult } from '../../core/count';
import { groupCountedBuilds, reportConfiguration, type BuildSpec } from '../../core/report/configurations';
import type { BuildSetup } from '../shared/build-executor';

export type Counted = Map<string, { result: CountResult; sameBinaryAs?: string }>;

export interface CountContext {
  setup: BuildSetup;
  entry: { bin: string; env?: Record<string, string | undefined>; timeoutSeconds?: number };
  args: string[];
  argsSource: string;
  countRuns: number;
  /** Why nothing can be counted here (valgrind missing), else undefined. */
  missing: string | undefined;
  progress: Progress;
}

export async function countConfigurations(wanted: readonly string[], specs: ReadonlyArray<[string, BuildSpec]>, c: CountContext): Promise<Counted> {
  const { setup, entry, args, countRuns, progress } = c;
  const counted: Counted = new Map();
  const groups = groupCountedBuilds(specs).map((g) => ({ ...g, binary: undefined as string | undefined, failed: c.missing }));
  if (c.missing === undefined) {
    await progress.phase(`counted binaries (-C target-cpu=${COUNT_CPU}) for ${groups.map((g) => g.first).join(', ')}`, async () => {
      for (const g of groups) {
        console.log(`  ${g.first} (counted${g.configs.length > 1 ? `; also counts ${g.configs.slice(1).join(', ')}` : ''}):`);
        try {
          g.binary = await buildCountedBinary({ cargoRoot: setup.cargoRoot, package: setup.pkg, profile: g.spec.profile, bin: entry.bin, addRustflags: g.spec.addRustflags, target: g.spec.target, features: g.spec.features, extraEnv: g.spec.extraEnv, targetDir: setup.targetDir, name: g.first, context: setup.context });
        } catch (e) {
          g.failed = `the counted build failed: ${(e as Error).message.split('\n')[0]}`;
          console.log(`  ${g.first}: not counted: ${g.failed}`);
        }
      }
    });
  }
  const toCount = groups.filter((g) => g.binary);
  const countPhase = async () => {
    for (const g of groups) {
      let result: CountResult;
      if (g.binary) {
        console.log(`  ${g.first}: counting \`${entry.bin} ${args.join(' ')}\` ${countRuns} times (${toCount.indexOf(g) + 1}/${toCount.length}) …`);
        const program = { file: g.binary, args, cwd: setup.cargoRoot, env: entry.env, timeoutMs: entry.timeoutSeconds !== undefined ? entry.timeoutSeconds * 1000 : undefined };
        result = await countRepeated(program, countRuns, {}, (i, n) => console.log(`  ${g.first} run ${i}/${countRuns}: ${formatCount(n.instructions)} instructions (${n.instructions})`));
        console.log(
          result.counted
            ? `  ${g.first}: ${formatCount(result.simulated.instructions)} instructions, ${formatCount(result.simulated.estimatedCycles)} estimated cycles, ${formatCount(result.simulated.branchMispredicts)} branch mispredicts (medians)${result.heap ? `, ${formatCount(result.heap.allocations)} allocations` : ''} (cachegrind runs ${formatSeconds(result.durationMs)})`
            : `  ${g.first}: not counted: ${result.reason}`,
        );
      } else result = { counted: false, command: entry.bin, reason: g.failed ?? 'not built' };
      g.configs.forEach((name, i) => counted.set(name, { result, sameBinaryAs: i > 0 ? g.first : undefined }));
    }
  };
  for (const name of wanted) {
    const reason = reportConfiguration(name).notCounted;
    if (reason !== undefined) counted.set(name, { result: { counted: false, command: entry.bin, reason } });
  }
  if (c.missing === undefined) await progress.phase(`counted runs under valgrind (args \`${args.join(' ')}\` from ${c.argsSource})`, countPhase);
  else await countPhase();
  return counted;
}
