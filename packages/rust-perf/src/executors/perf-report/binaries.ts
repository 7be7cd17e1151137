// perf-report's binaries, one per configuration row (core/report/configurations.ts): another target's
// output with the build time it recorded, perf-report's own build in a target dir of its own, or
// release's binary with the allocator's huge-page switch (thp).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCargoBuild, type BuildKind } from '../../core/cargo/build';
import { writeFileAtomic } from '../../core/fs/atomic';
import { stageProfdata } from '../../core/pgo/stage';
import { buildSpec, reportConfiguration, type BuildContext, type BuildSpec, type DescriptionContext } from '../../core/report/configurations';
import { prepareThp, type ThpSetup } from '../../core/memory/thp-run';
import type { KernelRoots } from '../../core/memory/hugepages';
import { lastMeasuredBuild, type BuildRecord, type BuildSetup } from '../shared/build-executor';

export interface Candidate {
  name: string;
  description: string;
  binary: string;
  buildSeconds: number | null;
  buildKind?: BuildKind;
  source: string;
  /** On top of the workload's environment (the thp row's allocator switch). */
  env?: Record<string, string>;
}

/** A binary another target published, with the build time it recorded beside it. */
function reused(name: string, description: string, dir: string, bin: string, target: string, root: string): Candidate {
  const binary = path.join(dir, bin);
  if (!fs.existsSync(binary)) throw new Error(`${path.relative(root, binary)} is missing: the ${target} target ran but did not produce it (is ${bin} a binary of this package?).`);
  const record = path.join(dir, 'build.json');
  const data = fs.existsSync(record) ? (JSON.parse(fs.readFileSync(record, 'utf8')) as Partial<BuildRecord>) : undefined;
  // A record of an up-to-date cargo run measured no compilation: say so rather than print its 0.1 s.
  const seconds = data?.durationMs !== undefined && data.compiled !== false ? data.durationMs / 1000 : null;
  return { name, description, binary, buildSeconds: seconds, ...(data?.buildKind ? { buildKind: data.buildKind } : {}), source: `from ${target}` };
}

async function ownBuild(setup: BuildSetup, name: string, description: string, spec: BuildSpec, bin: string): Promise<Candidate> {
  // Each configuration in its own target dir: none thrashes another's (or the user's) cache, and the first build there is cold.
  const targetDir = path.join(setup.targetDir, 'rust-perf', 'report', name.replace(/[^\w.-]/g, '_'));
  const result = await runCargoBuild({
    cargoRoot: setup.cargoRoot,
    args: { package: setup.pkg, profile: spec.profile, bins: [bin], target: spec.target, features: spec.features },
    addRustflags: spec.addRustflags,
    addedBy: `perf-report's ${name} configuration`,
    env: process.env,
    targetDir,
    extraEnv: spec.extraEnv,
    context: setup.context,
  });
  const exe = result.artifacts.find((a) => a.kind === 'bin' && a.name === bin);
  if (!exe) throw new Error(`cargo built no binary named ${bin} for ${name}`);
  // Up to date from an earlier report: the last build of it that compiled is the measurement.
  const recordFile = path.join(targetDir, 'rust-perf-build.json');
  const record = lastMeasuredBuild(recordFile, { profile: spec.profile, rustflags: result.rustflags, durationMs: result.durationMs, compiled: result.compiled, buildKind: result.buildKind });
  writeFileAtomic(recordFile, JSON.stringify(record, null, 2) + '\n');
  const buildSeconds = record.compiled ? record.durationMs / 1000 : null;
  return { name, description, binary: exe.executable, buildSeconds, buildKind: record.buildKind, source: 'built by perf-report' };
}

/** The -Cprofile-use path of pgo-profile's profile, copied beside the target dir under its hash on first use. */
export function profileUseOnce(root: string, targetDir: string, profdata: string): () => string {
  let usePath: string | undefined;
  return () => {
    if (usePath) return usePath;
    const file = path.resolve(root, profdata);
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run pgo-profile first (perf-report depends on build-pgo, which depends on it).`);
    usePath = stageProfdata(file, targetDir).usePath;
    return usePath;
  };
}

export interface BinaryContext {
  setup: BuildSetup;
  root: string;
  bin: string;
  workloadEnv: Record<string, string | undefined> | undefined;
  roots: KernelRoots;
  describe: DescriptionContext;
  build: BuildContext;
  /** The folder a reused configuration's binary sits in, and the target that wrote it. */
  dist: (name: string, kind: string) => string;
  fromTarget: Readonly<Record<string, string>>;
}

/** The configuration's binary, or (thp) none when the allocator has no switch here; `thp` is the huge-page setup when it was asked for. */
export async function configurationBinary(name: string, c: BinaryContext): Promise<{ candidate?: Candidate; thp?: ThpSetup }> {
  const row = reportConfiguration(name);
  const description = row.describe(c.describe);
  if ('ownBuild' in row.binary) return { candidate: await ownBuild(c.setup, name, description, buildSpec(row, c.build), c.bin) };
  if ('executor' in row.binary) return { candidate: reused(name, description, c.dist(name, row.binary.dist), c.bin, c.fromTarget[name], c.root) };
  const release = reused(name, '', c.dist(name, 'release'), c.bin, c.fromTarget[name], c.root);
  const thp = await prepareThp(release.binary, c.workloadEnv, c.roots, c.setup.cargoRoot);
  if (!thp.plan.applicable) {
    console.log(`  ${name}: not applicable: ${thp.plan.reason}`);
    return { thp };
  }
  // The same binary as release: no compile time of its own.
  const candidate = { ...release, buildSeconds: null, buildKind: undefined, source: `release's binary, from ${c.fromTarget[name]}`, description: `release's binary (${thp.section.allocator}) with huge pages asked for per process: ${thp.plan.how}`, env: thp.plan.env };
  return { candidate, thp };
}
