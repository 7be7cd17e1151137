// The one table of where rust-perf publishes, relative to the Nx workspace root: inference writes
// these as each target's outputPath (under the plugin's outputRoot), and each executor falls back to
// the same path when its outputPath (or profdata, profileDir) option is unset, so a target run without
// inference and one run through it write, and read each other's outputs, in the same place.
// Paths use `/`: they are Nx option values as much as file paths.

/** The output root init git-ignores and inference uses unless the plugin's outputRoot says otherwise. */
export const DEFAULT_OUTPUT_ROOT = 'dist';

export const outputPaths = {
  /** A build executor's binaries and build.json: `<root>/rust/<project>/<kind>` (kind: release, native, pgo, bolt, a perf-report configuration). */
  build: (project: string, kind: string, root = DEFAULT_OUTPUT_ROOT) => `${root}/rust/${project}/${kind}`,
  /** pgo-profile's folder: the merged profile and pgo.json. */
  pgoProfile: (project: string, root = DEFAULT_OUTPUT_ROOT) => `${root}/pgo/${project}`,
  /** The merged profile build-pgo, bolt-profile and perf-report read. */
  profdata: (project: string, root = DEFAULT_OUTPUT_ROOT) => `${root}/pgo/${project}/${project}.profdata`,
  /** bolt-profile's folder: `<bin>.fdata`, relocs/<bin>, bolt.json. */
  boltProfile: (project: string, root = DEFAULT_OUTPUT_ROOT) => `${root}/bolt/${project}`,
  /** The bench executor's summary.json and summary.md (and diff/ of the same-job gate). */
  bench: (project: string, root = DEFAULT_OUTPUT_ROOT) => `${root}/bench/${project}`,
  /** One atomized bench's folder, collected by CI (benchPart: the bench name made a path part). */
  benchCi: (project: string, benchPart: string, root = DEFAULT_OUTPUT_ROOT) => `${root}/bench-ci/${project}/${benchPart}`,
  flamegraph: (project: string, root = DEFAULT_OUTPUT_ROOT) => `${root}/flamegraph/${project}`,
  perfReport: (project: string, root = DEFAULT_OUTPUT_ROOT) => `${root}/perf-report/${project}`,
  /** bench-plan's default output (under the root, so inside no package). */
  benchPlan: (root = DEFAULT_OUTPUT_ROOT) => `${root}/rust-perf/bench-plan.json`,
} as const;
