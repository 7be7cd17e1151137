// What to record (a bin or a criterion bench) and how cargo builds it.
import type { MetadataPackage } from '../bench/plan';
import { criterionProfileArgs } from './perf';

export type Subject = { kind: 'bin' | 'bench'; name: string; args: string[] };

export interface SubjectOptions {
  bin?: string;
  bench?: string;
  args?: string[];
  filter?: string;
  profileTime: number;
}

function workloadEntry(pkg: MetadataPackage): { bin?: unknown; bench?: unknown; args?: unknown } | undefined {
  const rp = (pkg.metadata as { 'rust-perf'?: { workload?: unknown } } | null | undefined)?.['rust-perf'];
  const list = rp?.workload;
  return Array.isArray(list) ? list.find((w) => w && (typeof w.bin === 'string' || typeof w.bench === 'string')) : undefined;
}

/**
 * bin/bench options win; then the first bin or bench of `[package.metadata.rust-perf] workload`;
 * then the package's only binary. Benches run in criterion's profile mode (no analysis, fixed time).
 */
export function chooseSubject(pkg: MetadataPackage, o: SubjectOptions): Subject {
  const targets = (kind: string) => pkg.targets.filter((t) => t.kind.includes(kind)).map((t) => t.name);
  const check = (kind: 'bin' | 'bench', name: string) => {
    if (!targets(kind).includes(name)) {
      throw new Error(`${pkg.manifest_path}: package \`${pkg.name}\` has no ${kind} target \`${name}\` (${kind} targets: ${targets(kind).join(', ') || 'none'}).`);
    }
  };
  if (o.bin && o.bench) throw new Error('set either "bin" or "bench", not both.');
  const benchArgs = (extra: string[]) => [...criterionProfileArgs(o.profileTime, o.filter), ...extra];
  if (o.bin) {
    check('bin', o.bin);
    return { kind: 'bin', name: o.bin, args: o.args ?? [] };
  }
  if (o.bench) {
    check('bench', o.bench);
    return { kind: 'bench', name: o.bench, args: benchArgs(o.args ?? []) };
  }
  const w = workloadEntry(pkg);
  const wArgs = Array.isArray(w?.args) ? w!.args.map(String) : [];
  if (w && typeof w.bin === 'string') {
    check('bin', w.bin);
    return { kind: 'bin', name: w.bin, args: o.args ?? wArgs };
  }
  if (w && typeof w.bench === 'string') {
    check('bench', w.bench);
    return { kind: 'bench', name: w.bench, args: benchArgs(o.args ?? wArgs) };
  }
  const bins = targets('bin');
  if (bins.length === 1) return { kind: 'bin', name: bins[0], args: o.args ?? [] };
  throw new Error(
    `${pkg.manifest_path}: cannot tell what to record for \`${pkg.name}\` (binaries: ${bins.join(', ') || 'none'}; benches: ${targets('bench').join(', ') || 'none'}). ` +
      'Set the "bin" or "bench" option, or add [package.metadata.rust-perf] workload = [{ bin = "<name>", args = [...] }].',
  );
}

/** Build argv; the same with `--message-format json` (a no-op rebuild) tells us the executable. */
export function cargoBuildArgs(pkg: string, subject: Subject, profile: string, json = false): string[] {
  const fmt = json ? ['--message-format', 'json'] : [];
  return subject.kind === 'bin'
    ? ['build', '--profile', profile, '-p', pkg, '--bin', subject.name, ...fmt]
    : ['bench', '--no-run', '--profile', profile, '-p', pkg, '--bench', subject.name, ...fmt];
}

/** The executable cargo reported for the subject in `--message-format json` output. */
export function executableFromMessages(stdout: string, subject: Subject): string | undefined {
  let found: string | undefined;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let msg: { reason?: string; executable?: string | null; target?: { name?: string; kind?: string[] } };
    try {
      msg = JSON.parse(line);
    } catch {
      continue;
    }
    if (msg.reason === 'compiler-artifact' && msg.executable && msg.target?.name === subject.name && msg.target.kind?.includes(subject.kind)) {
      found = msg.executable;
    }
  }
  return found;
}
