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
  if (value === undefined) return 'dist';
  const text = typeof value === 'string' ? value.trim().replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '') : '';
  // The outputs must be a folder of their own inside the Nx root (the executors refuse anything else).
  if (text === '' || text === '.' || text.startsWith('/') || text.split('/').includes('..')) {
    throw new Error(`rust-perf plugin option outputRoot must be a folder inside the workspace, relative to it, e.g. "dist" (${WHERE}); got ${JSON.stringify(value)}`);
  }
  return text;
}

export function normalizeOptions(options: RustPerfPluginOptions | undefined): NormalizedPluginOptions {
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
  return { ...names, outputRoot: normalizeOutputRoot(options?.outputRoot), includeExcluded, atomizeBenches };
}
