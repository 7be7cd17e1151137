/** nx.json: `plugins: [{ plugin: "rust-perf", options: { ... } }]`. Every option renames an inferred target. */
export interface RustPerfPluginOptions {
  buildReleaseTargetName?: string;
  buildNativeTargetName?: string;
  pgoProfileTargetName?: string;
  buildPgoTargetName?: string;
  benchTargetName?: string;
  flamegraphTargetName?: string;
  doctorTargetName?: string;
  perfReportTargetName?: string;
  boltProfileTargetName?: string;
  buildBoltTargetName?: string;
}

export type NormalizedPluginOptions = Required<RustPerfPluginOptions>;

export const DEFAULT_TARGET_NAMES: NormalizedPluginOptions = {
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
};

export function normalizeOptions(options: RustPerfPluginOptions | undefined): NormalizedPluginOptions {
  const out = { ...DEFAULT_TARGET_NAMES };
  for (const key of Object.keys(DEFAULT_TARGET_NAMES) as Array<keyof NormalizedPluginOptions>) {
    const value = options?.[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.trim() === '') {
      throw new Error(`rust-perf plugin option ${key} must be a non-empty target name (nx.json → plugins → rust-perf → options)`);
    }
    out[key] = value;
  }
  const names = Object.values(out);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) throw new Error(`rust-perf plugin options name two targets "${duplicate}"; give each target its own name in nx.json`);
  return out;
}
