// perf-report's configurations as data: one row each (where the binary comes from, the Cargo profile,
// rustflags, the build target, the PGO step, what it measures, and whether counted work can describe
// it). The executor loops over the rows asked for; plan.ts reads which rows another target builds.
import { SYSTEM_ALLOCATOR_FEATURE } from '../allocator/allocator';
import { BOLT_REPORT_CONFIGURATION } from '../bolt/plan';
import { COUNT_CPU, countedRustflags } from '../count/counted-build';
import type { CountResult } from '../count/count';
import { profileUseFlags } from '../pgo/plan';
import type { ConfigResult } from './model';
import { THP_CONFIGURATION } from './memory';

/** What a description may say about the run: whether the package has rust-perf:allocator's feature, and the profile PGO builds use. */
export interface DescriptionContext {
  hasAllocator: boolean;
  pgoProfile: string;
}

export interface ReportConfiguration {
  name: string;
  /**
   * Where the binary comes from: another target's output (its executor, and the dist folder it
   * writes when it has no outputPath), perf-report's own build, or release's binary run again with
   * huge pages asked for (thp).
   */
  binary: { executor: string; dist: string } | { ownBuild: true; needs?: string } | { releaseWithHugePages: true };
  /** 'pgo' is the pgoProfile option (release unless set). */
  profile: 'dev' | 'release' | 'pgo';
  rustflags: readonly string[];
  /** -Cprofile-use of pgo-profile's profile, generic or for the native CPU. */
  profileUse?: 'generic' | 'native';
  /** Built with --target <host>, as build-pgo builds (a target dir of its own per triple). */
  hostTarget?: boolean;
  features?: readonly string[];
  extraEnv?: Readonly<Record<string, string>>;
  /** Listed only when asked for by name. */
  optIn?: boolean;
  /** What the row measures (the report's description column); thp's is written from the machine's plan. */
  describe: (ctx: DescriptionContext) => string;
  /** Why counted work cannot describe this row; absent: its build repeats at COUNT_CPU and is counted. */
  notCounted?: string;
}

const RELEASE_EXECUTOR = 'rust-perf:build-release';

export const REPORT_CONFIGURATIONS: readonly ReportConfiguration[] = [
  { name: 'dev', binary: { ownBuild: true }, profile: 'dev', rustflags: [], describe: () => "cargo's dev profile (what `cargo build` gives)" },
  {
    name: 'release',
    binary: { executor: RELEASE_EXECUTOR, dist: 'release' },
    profile: 'release',
    rustflags: [],
    describe: ({ hasAllocator }) => `the release profile as configured (rust-perf:init tunes it)${hasAllocator ? ", with rust-perf:allocator's #[global_allocator]" : ''}`,
  },
  {
    name: 'release+system-alloc',
    binary: { ownBuild: true },
    profile: 'release',
    rustflags: [],
    features: [SYSTEM_ALLOCATOR_FEATURE],
    describe: () => `release with the system allocator (--features ${SYSTEM_ALLOCATOR_FEATURE})`,
  },
  { name: 'release+native', binary: { executor: 'rust-perf:build-native', dist: 'native' }, profile: 'release', rustflags: ['-Ctarget-cpu=native'], describe: () => 'release with -C target-cpu=native' },
  { name: 'release+fat-lto', binary: { ownBuild: true }, profile: 'release', rustflags: [], extraEnv: { CARGO_PROFILE_RELEASE_LTO: 'fat' }, describe: () => 'release with lto = "fat"' },
  {
    name: 'pgo',
    binary: { executor: 'rust-perf:build-pgo', dist: 'pgo' },
    profile: 'pgo',
    rustflags: [],
    profileUse: 'generic',
    hostTarget: true,
    describe: ({ pgoProfile }) => `profile-guided (${pgoProfile} profile + -Cprofile-use; compile time is the optimized build only, without pgo-profile)`,
  },
  {
    name: 'pgo+native',
    // Built here from pgo-profile's profile, which that target writes.
    binary: { ownBuild: true, needs: 'rust-perf:pgo-profile' },
    profile: 'pgo',
    rustflags: [],
    profileUse: 'native',
    hostTarget: true,
    describe: ({ pgoProfile }) => `profile-guided with -C target-cpu=native (${pgoProfile} profile)`,
  },
  {
    name: BOLT_REPORT_CONFIGURATION.name,
    // Asked for by name only: it needs llvm-bolt and runs bolt-profile's workload (build-bolt runs then).
    binary: { executor: `rust-perf:${BOLT_REPORT_CONFIGURATION.target}`, dist: 'bolt' },
    profile: 'pgo',
    rustflags: [],
    optIn: true,
    describe: () => BOLT_REPORT_CONFIGURATION.description,
    // BOLT rewrites the linked binary with a profile of that binary: a rebuild at COUNT_CPU is not what it describes.
    notCounted: `a BOLT binary is laid out from a profile of that very binary, so it has no rebuild at ${COUNT_CPU} to count; \`npm run bench bolt\` counts release, pgo and pgo+bolt built at one CPU level`,
  },
  {
    name: THP_CONFIGURATION,
    // A memory question (huge pages per process) rather than a build, asked for by name too.
    binary: { releaseWithHugePages: true },
    profile: 'release',
    rustflags: [],
    optIn: true,
    describe: () => "release's binary with huge pages asked for per process",
    // Huge pages change TLB misses and page faults, which valgrind does not model.
    notCounted: "counted work does not see TLB misses or page faults, all that huge pages change; the binary is release's (see its counted row)",
  },
];

export const ALL_CONFIGURATIONS: readonly string[] = REPORT_CONFIGURATIONS.map((c) => c.name);
export const ALLOCATOR_CONFIGURATION = 'release+system-alloc';

export function reportConfiguration(name: string): ReportConfiguration {
  const row = REPORT_CONFIGURATIONS.find((c) => c.name === name);
  if (!row) throw new Error(`unknown configuration ${name}; choose from ${ALL_CONFIGURATIONS.join(', ')}`);
  return row;
}

/** Which target executor produces a configuration's binary (the reused rows; thp reuses release's). */
export function binaryExecutor(row: ReportConfiguration): string | undefined {
  if ('executor' in row.binary) return row.binary.executor;
  if ('releaseWithHugePages' in row.binary) return RELEASE_EXECUTOR;
  return undefined;
}

/** Names not in the table fail before anything is read or built. */
export function checkConfigurationNames(asked: readonly string[] | undefined): void {
  const unknown = (asked ?? []).filter((c) => !ALL_CONFIGURATIONS.includes(c));
  if (unknown.length) throw new Error(`unknown configuration(s) ${unknown.join(', ')}; choose from ${ALL_CONFIGURATIONS.join(', ')}`);
}

/**
 * The configurations a run measures: those asked for (every one known; release+system-alloc only
 * with the allocator feature), else every row not opt-in, without release+system-alloc when the
 * feature is missing (`note` says so).
 */
export function chooseConfigurations(asked: readonly string[] | undefined, hasAllocator: boolean, allocatorNote: string): { wanted: string[]; note?: string } {
  checkConfigurationNames(asked);
  if (asked?.includes(ALLOCATOR_CONFIGURATION) && !hasAllocator) throw new Error(allocatorNote);
  if (asked) return { wanted: [...asked] };
  const wanted = REPORT_CONFIGURATIONS.filter((c) => (c.name !== ALLOCATOR_CONFIGURATION || hasAllocator) && !c.optIn).map((c) => c.name);
  return hasAllocator ? { wanted } : { wanted, note: `no ${ALLOCATOR_CONFIGURATION}: ${allocatorNote}` };
}

/** How a row's binary is built: perf-report's own build, and the counted build (which repeats it at COUNT_CPU). */
export interface BuildSpec {
  profile: string;
  addRustflags: string[];
  target?: string;
  features?: string[];
  extraEnv?: Record<string, string>;
}

export interface BuildContext {
  pgoProfile: string;
  host: string;
  /** The -Cprofile-use path of pgo-profile's profile (copied on first use). */
  profileUse: () => string;
}

export function buildSpec(row: ReportConfiguration, ctx: BuildContext): BuildSpec {
  return {
    profile: row.profile === 'pgo' ? ctx.pgoProfile : row.profile,
    addRustflags: [...row.rustflags, ...(row.profileUse ? profileUseFlags(ctx.profileUse(), row.profileUse === 'native' ? 'native' : undefined) : [])],
    ...(row.hostTarget ? { target: ctx.host } : {}),
    ...(row.features ? { features: [...row.features] } : {}),
    ...(row.extraEnv ? { extraEnv: { ...row.extraEnv } } : {}),
  };
}

/** A configuration's counted columns from its counted run (or why there are none). */
export function countedColumns(entry: { result: CountResult; sameBinaryAs?: string } | undefined): Pick<ConfigResult, 'counted'> {
  if (!entry) return {};
  const r = entry.result;
  if (!r.counted) return { counted: { notCounted: r.reason } };
  return {
    counted: {
      instructions: r.simulated.instructions,
      estimatedCycles: r.simulated.estimatedCycles,
      branchMispredicts: r.simulated.branchMispredicts,
      llMisses: r.simulated.llMisses,
      l1Misses: r.simulated.l1Misses,
      ...(r.heap ? { allocations: r.heap.allocations, bytesAllocated: r.heap.bytesAllocated, peakHeapBytes: r.heap.peakHeapBytes } : {}),
      ...(r.heap?.sites ? { allocationSites: r.heap.sites } : {}),
      ...(r.hardware ? { hardware: r.hardware } : {}),
      ...(entry.sameBinaryAs ? { sameBinaryAs: entry.sameBinaryAs } : {}),
      ...(r.runs
        ? { runs: { instructions: r.runs.map((s) => s.instructions), estimatedCycles: r.runs.map((s) => s.estimatedCycles), branchMispredicts: r.runs.map((s) => s.branchMispredicts), llMisses: r.runs.map((s) => s.llMisses) } }
        : {}),
    },
  };
}

/** Counted builds, one per distinct build at COUNT_CPU (release+native at x86-64-v3 is release): the first configuration names it. */
export interface CountedGroup {
  first: string;
  spec: BuildSpec;
  configs: string[];
}

export function groupCountedBuilds(specs: ReadonlyArray<[string, BuildSpec]>): CountedGroup[] {
  const groups = new Map<string, CountedGroup>();
  for (const [name, spec] of specs) {
    const key = JSON.stringify({ ...spec, addRustflags: countedRustflags(spec.addRustflags) });
    const g = groups.get(key);
    if (g) g.configs.push(name);
    else groups.set(key, { first: name, spec, configs: [name] });
  }
  return [...groups.values()];
}
