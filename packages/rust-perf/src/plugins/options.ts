import { DEFAULT_OUTPUT_ROOT } from '../core/layout/output-paths';

/** nx.json: `plugins: [{ plugin: "rust-perf", options: { ... } }]`. */
export interface RustPerfPluginOptions {
  buildReleaseTargetName?: string;
  buildNativeTargetName?: string;
  pgoProfileTargetName?: string;
  buildPgoTargetName?: string;
  benchTargetName?: string;
  flamegraphTargetName?: string;
  doctorTargetName?: string;
  perfReportTargetName?: string;
  /** Folder the inferred targets write under (relative to the Nx root); never an input. Default `dist`. */
  outputRoot?: string;
  /** Make packages listed in a `[workspace] exclude` Nx projects too (cargo builds them as standalone packages). Default false. */
  includeExcluded?: boolean;
  boltProfileTargetName?: string;
  buildBoltTargetName?: string;
  /** The aggregate of the atomized bench targets (`<benchTargetName>--<bench>`), as @nx/jest's `ciTargetName`. Default `bench-ci`. */
  benchCiTargetName?: string;
  /** One Nx target per criterion bench plus the `bench-ci` aggregate, so CI can spread benches over machines. Default true. */
  atomizeBenches?: boolean;
  /** Benches that get no rust-perf target (`bench`, `bench--<name>`, `bench-ci`), as "<project>:<bench>"; the nx.json side of `skip-benches`. */
  skipBenches?: string[];
}

export interface TargetNames {
  buildReleaseTargetName: string;
  buildNativeTargetName: string;
  pgoProfileTargetName: string;
  buildPgoTargetName: string;
  benchTargetName: string;
  flamegraphTargetName: string;
  doctorTargetName: string;
  perfReportTargetName: string;
  boltProfileTargetName: string;
  buildBoltTargetName: string;
  benchCiTargetName: string;
}

export interface NormalizedPluginOptions extends TargetNames {
  outputRoot: string;
  includeExcluded: boolean;
  atomizeBenches: boolean;
  /** "<project>:<bench>" entries of the skipBenches option. */
  skipBenches: string[];
}

export const DEFAULT_TARGET_NAMES: TargetNames = {
  buildReleaseTargetName: 'build-release',
  buildNativeTargetName: 'build-native',
  pgoProfileTargetName: 'pgo-profile',
  buildPgoTargetName: 'build-pgo',
  benchTargetName: 'bench',
  flamegraphTargetName: 'flamegraph',
  doctorTargetName: 'doctor',
  perfReportTargetName: 'perf-report',
  boltProfileTargetName: 'bolt-profile',
  buildBoltTargetName: 'build-bolt',
  benchCiTargetName: 'bench-ci',
};

const WHERE = 'nx.json → plugins → rust-perf → options';

function normalizeOutputRoot(value: unknown): string {
  if (value === undefined) return DEFAULT_OUTPUT_ROOT;
  const text = typeof value === 'string' ? value.trim().replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '') : '';
  // The outputs must be a folder of their own inside the Nx root (the executors refuse anything else).
  if (text === '' || text === '.' || text.startsWith('/') || text.split('/').includes('..')) {
    throw new Error(`rust-perf plugin option outputRoot must be a folder inside the workspace, relative to it, e.g. "dist" (${WHERE}); got ${JSON.stringify(value)}`);
  }
  return text;
}

/** Where a value of the options is written, for messages ("nx.json:12:9"); the options' path when unknown. */
export type LocateOption = (value: unknown) => string | undefined;

const SKIP_ENTRY = /^[^:\s]+:[^:\s]+$/;

function normalizeSkipBenches(value: unknown, locate: LocateOption): string[] {
  if (value === undefined) return [];
  const bad = Array.isArray(value) ? value.find((v) => typeof v !== 'string' || !SKIP_ENTRY.test(v)) : value;
  if (!Array.isArray(value) || bad !== undefined) {
    throw new Error(
      `${locate(bad) ?? WHERE}: rust-perf plugin option skipBenches must be a list of "<project>:<bench>" entries, e.g. ["benches:simd"] (${WHERE}); got ${JSON.stringify(bad)}`,
    );
  }
  return [...new Set(value as string[])];
}

/** skipBenches entries whose project or bench is not one inference found: a typo that would skip nothing. */
export function unknownSkipEntries(entries: readonly string[], crates: ReadonlyArray<{ project: string; benches: readonly string[]; skippedBenches?: ReadonlyArray<{ name: string }>; benchFiles?: ReadonlyArray<{ name: string }> }>): Array<{ entry: string; why: string }> {
  const out: Array<{ entry: string; why: string }> = [];
  for (const entry of entries) {
    const [project, bench] = entry.split(':');
    const crate = crates.find((c) => c.project === project);
    if (!crate) {
      out.push({ entry, why: `no Cargo package is the Nx project "${project}"` });
      continue;
    }
    const names = [...new Set([...crate.benches, ...(crate.skippedBenches ?? []).map((b) => b.name), ...(crate.benchFiles ?? []).map((b) => b.name)])];
    if (!names.includes(bench)) out.push({ entry, why: `${project} has no bench target "${bench}" (benches: ${names.join(', ') || 'none'})` });
  }
  return out;
}

export function normalizeOptions(options: RustPerfPluginOptions | undefined, locate: LocateOption = () => undefined): NormalizedPluginOptions {
  const names = { ...DEFAULT_TARGET_NAMES };
  for (const key of Object.keys(DEFAULT_TARGET_NAMES) as Array<keyof TargetNames>) {
    const value = options?.[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.trim() === '') {
      throw new Error(`rust-perf plugin option ${key} must be a non-empty target name (${WHERE})`);
    }
    names[key] = value;
  }
  const values = Object.values(names);
  const duplicate = values.find((n, i) => values.indexOf(n) !== i);
  if (duplicate !== undefined) throw new Error(`rust-perf plugin options name two targets "${duplicate}"; give each target its own name in nx.json`);
  const includeExcluded = options?.includeExcluded ?? false;
  if (typeof includeExcluded !== 'boolean') throw new Error(`rust-perf plugin option includeExcluded must be true or false (${WHERE})`);
  const atomizeBenches = options?.atomizeBenches ?? true;
  if (typeof atomizeBenches !== 'boolean') throw new Error(`rust-perf plugin option atomizeBenches must be true or false (${WHERE})`);
  const skipBenches = normalizeSkipBenches(options?.skipBenches, locate);
  return { ...names, outputRoot: normalizeOutputRoot(options?.outputRoot), includeExcluded, atomizeBenches, skipBenches };
}
