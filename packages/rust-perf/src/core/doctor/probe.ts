// Gathers the facts doctor judges: every one measured on this machine (a real link, a real perf stat),
// none assumed.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../process/run';
import { RunContext } from '../context/run-context';
import { allocatorOnTarget, cfgLookup, defaultFeatures } from '../allocator/detect';
import { getIn, parseToml } from '../toml/toml';
import { valgrindPath, valgrindVersion } from '../count/count';
import { whichSync } from '../toolchain/cache';
import { envFlags, planRustflags } from '../rustflags/rustflags';
import { hardwareCyclesSupported, parseCapEff, parseParanoid, perfStatProbeArgs, recordingAccess } from '../flamegraph/perf';
import { definesProfile, resolveStrip } from '../flamegraph/profile';
import { crateTargets, diskCrateFs, parseManifest } from '../cargo/manifest';
import { diskFileReader, workspacePackages } from '../cargo/locate';
import { fuseLdName } from '../cargo-config/plan';
import { configuredCpu, featuresFromCfg, requiredFeatures, type DoctorFacts } from './checks';

function readOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

async function probeLinker(flags: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<NonNullable<DoctorFacts['linker']>> {
  const requested = fuseLdName(flags) ?? 'default';
  // gcc/clang look for ld.<name> (mold also installs it as ld.mold); lld is found through rustc's gcc-ld too.
  const installed = requested === 'default' ? undefined : whichSync(`ld.${requested}`) !== undefined || whichSync(requested) !== undefined;
  if (installed === false) return { requested, installed, links: false, error: `${requested} is not on PATH` };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rust-perf-doctor-'));
  try {
    fs.writeFileSync(path.join(dir, 'main.rs'), 'fn main() { println!("linked"); }\n');
    const out = path.join(dir, 'main');
    const result = await run(env.RUSTC ?? 'rustc', [...flags, '-o', out, path.join(dir, 'main.rs')], { cwd, env: { RUSTFLAGS: undefined, CARGO_ENCODED_RUSTFLAGS: undefined } });
    if (result.exitCode !== 0) return { requested, installed, links: false, error: result.stderr.split('\n').find((l) => l.startsWith('error')) ?? result.stderr.slice(0, 300) };
    const ran = await run(out, [], { cwd: dir });
    return ran.stdout.includes('linked') ? { requested, installed, links: true } : { requested, installed, links: false, error: 'the linked program did not run' };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function probePerf(cwd: string): Promise<Pick<DoctorFacts, 'perf' | 'perfAccess' | 'hardwareCounters'>> {
  const perfPath = whichSync('perf');
  if (!perfPath) return {};
  const version = (await run(perfPath, ['--version'], { cwd })).stdout.trim();
  const paranoidText = readOrNull('/proc/sys/kernel/perf_event_paranoid');
  const paranoid = paranoidText === null ? 2 : parseParanoid(paranoidText);
  const access = recordingAccess(paranoid, process.getuid?.() ?? 1000, parseCapEff(readOrNull('/proc/self/status') ?? ''));
  const facts: Pick<DoctorFacts, 'perf' | 'perfAccess' | 'hardwareCounters'> = { perf: { path: perfPath, version }, perfAccess: { ...access, paranoid } };
  if (access.allowed) facts.hardwareCounters = hardwareCyclesSupported((await run(perfPath, perfStatProbeArgs(access.userOnly), { cwd })).stderr);
  return facts;
}

/** Each binary's allocator on the build target: #[global_allocator] items whose #[cfg(…)] hold there. */
function probeAllocators(cargoRootAbs: string, target: string, cfgLines: readonly string[]): NonNullable<DoctorFacts['allocators']> {
  const reader = diskFileReader(cargoRootAbs);
  const out: NonNullable<DoctorFacts['allocators']> = [];
  for (const pkg of workspacePackages(reader, '')) {
    const dir = path.join(cargoRootAbs, pkg.root);
    const text = reader.read(pkg.manifestPath)!;
    const manifest = parseManifest(text, pkg.manifestPath);
    const features = defaultFeatures(getIn(parseToml(text, pkg.manifestPath), ['features']) as Record<string, unknown> | undefined);
    const lookup = cfgLookup(cfgLines, features);
    for (const bin of crateTargets(manifest, diskCrateFs(dir)).bins) {
      const decl = manifest.bins.find((b) => b.name === bin);
      const candidates = [decl?.path, bin === pkg.name ? 'src/main.rs' : undefined, `src/bin/${bin}.rs`, `src/bin/${bin}/main.rs`].filter((c): c is string => !!c);
      const file = candidates.find((c) => readOrNull(path.join(dir, c)) !== null);
      if (!file) continue;
      const verdict = allocatorOnTarget(readOrNull(path.join(dir, file))!, path.join(pkg.root, file), target, lookup);
      out.push({ package: pkg.name, bin, allocator: verdict.summary, ...(verdict.known ? {} : { known: false }) });
    }
  }
  return out;
}

/** Measures everything doctor reports for the Cargo workspace at cargoRootAbs. */
/** Whether git tracks (or ignores) the Cargo root's Cargo.lock; two git calls, none outside a repository. */
export async function probeLockfile(cargoRootAbs: string): Promise<NonNullable<DoctorFacts['lockfile']>> {
  const exists = readOrNull(path.join(cargoRootAbs, 'Cargo.lock')) !== null;
  const tracked = await run('git', ['ls-files', '--error-unmatch', '--', 'Cargo.lock'], { cwd: cargoRootAbs }).catch(() => undefined);
  // 1: not tracked; anything else (128: not a repository, no git on PATH) says nothing about git.
  if (tracked === undefined || (tracked.exitCode !== 0 && tracked.exitCode !== 1)) return { exists };
  if (!exists || tracked.exitCode === 0) return { exists, tracked: tracked.exitCode === 0 };
  const ignored = await run('git', ['check-ignore', '-q', '--', 'Cargo.lock'], { cwd: cargoRootAbs }).catch(() => undefined);
  return { exists, tracked: false, ignored: ignored?.exitCode === 0 };
}

export async function probe(cargoRootAbs: string, env: NodeJS.ProcessEnv = process.env): Promise<DoctorFacts> {
  const facts: DoctorFacts = {};
  // One run's toolchain facts: rustc -vV serves the report, the llvm-profdata and llvm-bolt searches and the cfg lookup.
  const context = new RunContext(cargoRootAbs, env);
  try {
    const info = await context.rustc();
    facts.rustc = info;
    facts.cargoVersion = (await run('cargo', ['-V'], { cwd: cargoRootAbs })).stdout.trim();
  } catch (e) {
    facts.rustcError = (e as Error).message;
    return facts;
  }
  try {
    facts.profdata = await context.llvmProfdata();
  } catch (e) {
    facts.profdataError = (e as Error).message;
  }
  try {
    facts.bolt = await context.llvmBolt();
  } catch (e) {
    facts.boltError = (e as Error).message;
  }
  Object.assign(facts, await probePerf(cargoRootAbs));
  facts.valgrind = await valgrindVersion(valgrindPath()).catch(() => undefined);

  // The config's own flags (what a plain `cargo build` gets without the env overriding them).
  const withoutEnv = { ...env, RUSTFLAGS: undefined, CARGO_ENCODED_RUSTFLAGS: undefined };
  const configPlan = await planRustflags({ cargoRoot: cargoRootAbs, env: withoutEnv, add: [] });
  const user = envFlags(env);
  if (user) facts.envRustflags = { source: user.source, overridesConfig: configPlan.flags.length > 0 };
  const effective = user ? user.flags : configPlan.flags;
  facts.linker = await probeLinker(effective, cargoRootAbs, env);

  const native = await run(env.RUSTC ?? 'rustc', ['--print', 'cfg', '-C', 'target-cpu=native'], { cwd: cargoRootAbs });
  const configured = configuredCpu(effective);
  facts.cpu = { configured, hostFeatures: featuresFromCfg(native.stdout.split('\n')), requiredFeatures: requiredFeatures(configured) };

  facts.lockfile = await probeLockfile(cargoRootAbs);

  const manifestFile = path.join(cargoRootAbs, 'Cargo.toml');
  const manifestText = readOrNull(manifestFile);
  if (manifestText !== null) {
    facts.symbols = ['profiling', 'bench'].map((profile) => {
      const defined = profile === 'bench' || definesProfile(manifestText, manifestFile, profile);
      if (!defined) return { profile, strip: 'n/a', source: 'not defined', defined };
      const s = resolveStrip(manifestText, manifestFile, profile, env);
      return { profile, strip: s.strip, source: s.source, defined };
    });
    // The build's target (build.target / CARGO_BUILD_TARGET, else the host) decides which #[cfg] holds.
    const host = facts.rustc!.host;
    const target = configPlan.target ?? host;
    const cfgLines = await context.cfg(target === host ? undefined : target);
    facts.allocators = probeAllocators(cargoRootAbs, target, cfgLines);
  }
  return facts;
}
