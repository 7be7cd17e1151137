// Bench kinds in the bench executor: which benches are criterion, latency programs or libtest, the
// features each run needs, and latency programs built once and run as programs (their percentiles are
// the bench's numbers). The parsing and folding are pure (core/bench/kinds/, core/bench/latency/); this file runs processes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchExecutables } from '../../core/bench/gate/compare-plan';
import { processFailure } from '../../core/bench/gate/gate-steps';
import { benchInfos, featuresArgs, featuresFor, isNightly, libtestNote, type BenchInfo } from '../../core/bench/kinds/detect';
import { decodeHgrm } from '../../core/bench/latency/hgrm';
import { hasValues, mergeValues, parseLatencyOutput, type LatencyValues } from '../../core/bench/latency/latency-output';
import { BenchSelectionError, type MetadataPackage } from '../../core/bench/plan';
import { run } from '../../core/process/run';

/** The environment variable a latency program may read: the folder rust-perf reads `.hgrm` files from after each run. */
export const HGRM_DIR_ENV = 'RUST_PERF_HGRM_DIR';

export interface KindPlan {
  /** criterion benches (and divan's, which the criterion path reads today), in manifest order */
  criterion: BenchInfo[];
  latency: BenchInfo[];
  /** Benches not run, each with why. */
  notes: string[];
  infos: BenchInfo[];
}

export function packageBenchInfos(pkg: MetadataPackage): BenchInfo[] {
  const targets = pkg.targets.filter((t) => t.kind.includes('bench')).map((t) => ({ name: t.name, srcPath: t.src_path }));
  return benchInfos(targets, fs.readFileSync(pkg.manifest_path, 'utf8'), pkg.manifest_path, (p) => {
    try {
      return fs.readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  });
}

/** The requested benches (each must exist), or all; libtest benches become notes on a stable toolchain. */
export function planKinds(pkg: MetadataPackage, requested: readonly string[] | undefined, rustcRelease: string): KindPlan {
  const infos = packageBenchInfos(pkg);
  for (const name of requested ?? []) {
    if (!infos.some((b) => b.name === name)) {
      throw new BenchSelectionError(`${pkg.manifest_path}: package \`${pkg.name}\` has no bench target \`${name}\` (bench targets: ${infos.map((b) => b.name).join(', ') || 'none'}).`);
    }
  }
  const chosen = requested?.length ? infos.filter((b) => requested.includes(b.name)) : infos;
  if (chosen.length === 0) throw new BenchSelectionError(`${pkg.manifest_path}: package \`${pkg.name}\` has no bench targets.`);
  const notes: string[] = [];
  for (const b of chosen.filter((x) => x.kind === 'libtest')) {
    notes.push(
      isNightly(rustcRelease)
        ? `bench ${b.name}: a libtest #[bench] bench; rust-perf reads criterion, divan and latency programs, so it is left to \`cargo +nightly bench --bench ${b.name}\`.`
        : libtestNote(b.name, rustcRelease, b.hasBenchFunctions),
    );
  }
  return { criterion: chosen.filter((b) => b.kind === 'criterion' || b.kind === 'divan'), latency: chosen.filter((b) => b.kind === 'latency'), notes, infos };
}

/** `cargo bench …` argv with the features these benches need before `--` (cargo's options end there). */
export function withFeatures(args: readonly string[], features: readonly string[]): string[] {
  const at = args.indexOf('--');
  const extra = featuresArgs(features);
  return at < 0 ? [...args, ...extra] : [...args.slice(0, at), ...extra, ...args.slice(at)];
}

export { featuresFor };

/** The features building these benches of `pkg` needs: the option's plus their required-features (from the manifest, at run time). */
export function benchFeatures(pkg: MetadataPackage, benches: readonly string[], option: readonly string[] | undefined): string[] {
  return featuresFor(packageBenchInfos(pkg).filter((b) => benches.includes(b.name)), option);
}

/** Builds latency programs (`cargo bench --no-run`) and returns each one's executable. */
export async function buildLatencyPrograms(
  cargoRoot: string,
  pkg: MetadataPackage,
  benches: readonly string[],
  features: readonly string[],
  env: Record<string, string> = {},
): Promise<Map<string, string>> {
  const args = withFeatures(['bench', '-p', pkg.name, ...benches.flatMap((b) => ['--bench', b]), '--no-run', '--message-format=json-render-diagnostics'], features);
  const result = await run('cargo', args, { cwd: cargoRoot, env, echo: 'stderr' });
  if (result.exitCode !== 0) throw new Error(`\`${result.command}\` ${result.signal ? `was ended by ${result.signal}` : `exited with code ${result.exitCode}`} (cargo's messages are above).`);
  const exes = benchExecutables(result.stdout, pkg.manifest_path);
  const missing = benches.filter((b) => !exes.has(b));
  if (missing.length) throw new Error(`cargo reported no executable for bench(es) ${missing.join(', ')} of ${pkg.name}`);
  return exes;
}

export interface LatencyRun {
  values: LatencyValues;
  notes: string[];
  /** The histogram files read, for the log. */
  histograms: string[];
}

/**
 * One run of a latency program, started as `cargo bench` starts a bench (from the package folder, with
 * CARGO_MANIFEST_DIR), with RUST_PERF_HGRM_DIR pointing at an empty folder of its own; its numbers are what
 * it prints, filled in from the one .hgrm it wrote there or names in its output.
 */
export async function runLatencyProgram(executable: string, pkgDir: string, o: { cpu?: number; extraEnv?: Record<string, string> } = {}): Promise<LatencyRun> {
  const hgrmDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rust-perf-hgrm-'));
  try {
    const started = Date.now();
    const [file, args] = o.cpu === undefined ? [executable, []] : ['taskset', ['-c', String(o.cpu), executable]];
    const result = await run(file, args, {
      cwd: pkgDir,
      env: { CARGO_MANIFEST_DIR: pkgDir, [HGRM_DIR_ENV]: hgrmDir, LD_LIBRARY_PATH: [path.dirname(executable), process.env.LD_LIBRARY_PATH].filter(Boolean).join(path.delimiter), ...o.extraEnv },
    });
    if (result.exitCode !== 0) throw new Error(processFailure(result, 5));
    const parsed = parseLatencyOutput(result.stdout + '\n' + result.stderr);
    const candidates = [
      ...fs.readdirSync(hgrmDir).filter((f) => f.endsWith('.hgrm')).map((f) => path.join(hgrmDir, f)),
      ...parsed.hgrmPaths.map((p) => path.resolve(pkgDir, p)).filter((p) => (fs.statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? 0) >= started - 1000),
    ];
    const histograms = [...new Set(candidates)];
    const notes = [...parsed.notes];
    let fromHistogram: LatencyValues | undefined;
    if (histograms.length > 0) {
      fromHistogram = decodeHgrm(fs.readFileSync(histograms[0]), histograms[0]);
      if (histograms.length > 1) notes.push(`wrote ${histograms.length} histograms; ${path.basename(histograms[0])} is read (one histogram per bench target reads best)`);
    }
    return { values: mergeValues(parsed.values, fromHistogram), notes, histograms };
  } finally {
    fs.rmSync(hgrmDir, { recursive: true, force: true });
  }
}

export const nothingRecognizable = (bench: string): string =>
  `bench ${bench}: the program printed no latency numbers rust-perf recognizes and wrote no .hgrm file, so it passes on its exit code (print e.g. \`p99 (ns): 1234\` or \`p99=1.2us\`, or write an HdrHistogram V2 file to $${HGRM_DIR_ENV}; see docs/bench-and-ci.md).`;

export { hasValues };
