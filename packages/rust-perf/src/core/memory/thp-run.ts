// What perf-report's `thp` configuration needs from this machine: the kernel's THP mode, the
// allocator the release binary links (read from the binary), the switch that asks it for huge pages,
// and dTLB misses from perf stat where the machine has hardware counters.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../process/run';
import { whichSync } from '../toolchain/cache';
import { hasHardwareCounters } from '../count/count';
import { parsePerfEvents } from '../count/hardware';
import { readHugePageFacts, type KernelRoots } from './hugepages';
import { describeAllocator, linkedAllocator, parseGlibcVersion, thpPlan, type ThpPlan } from './thp-env';
import type { MemorySection } from '../report/memory';

export interface ThpSetup {
  plan: ThpPlan;
  section: Omit<MemorySection, 'dtlb'>;
}

async function glibcVersion(cwd: string): Promise<[number, number] | undefined> {
  try {
    const r = await run('getconf', ['GNU_LIBC_VERSION'], { cwd });
    return r.exitCode === 0 ? parseGlibcVersion(r.stdout) : undefined;
  } catch {
    return undefined;
  }
}

export async function prepareThp(releaseBinary: string, workloadEnv: Record<string, string | undefined> | undefined, roots: KernelRoots, cwd: string): Promise<ThpSetup> {
  const facts = readHugePageFacts(roots);
  const allocator = linkedAllocator(fs.readFileSync(releaseBinary));
  const plan = thpPlan(allocator, facts.thp, allocator.kind === 'system' ? await glibcVersion(cwd) : undefined, workloadEnv);
  const thp = facts.thp ? `enabled = ${facts.thp.enabled}, defrag = ${facts.thp.defrag ?? '?'}` : `unknown (${facts.thpUnreadable})`;
  return { plan, section: { thp, allocator: describeAllocator(allocator), asked: plan.applicable ? { how: plan.how } : { notApplicable: plan.reason } } };
}

export const DTLB_EVENTS = ['dTLB-load-misses', 'dTLB-store-misses'];

export interface DtlbRun {
  name: string;
  file: string;
  args: readonly string[];
  cwd: string;
  env?: Record<string, string | undefined>;
}

/** One perf stat run per configuration, or why dTLB misses cannot be shown here. */
export async function dtlbMisses(runs: readonly DtlbRun[]): Promise<MemorySection['dtlb']> {
  if (!whichSync('perf')) return { unavailable: 'perf is not installed (apt-get install linux-perf), so no dTLB counters' };
  if (!(await hasHardwareCounters())) return { unavailable: 'this machine has no hardware counters (perf stat counts no instructions or cycles: a VM without a PMU), so they cannot be shown here; run the report on bare metal or a VM with a vPMU' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rust-perf-dtlb-'));
  const byConfig: Record<string, { loadMisses: number; storeMisses?: number }> = {};
  try {
    for (const r of runs) {
      const out = path.join(dir, `${r.name.replace(/[^\w.-]/g, '_')}.csv`);
      const res = await run('perf', ['stat', '-x', ',', '-e', DTLB_EVENTS.join(','), '-o', out, '--', r.file, ...r.args], { cwd: r.cwd, env: r.env });
      if (res.exitCode !== 0 || !fs.existsSync(out)) continue;
      const ev = parsePerfEvents(fs.readFileSync(out, 'utf8'));
      const load = ev.get('dTLB-load-misses');
      if (load !== undefined) byConfig[r.name] = { loadMisses: load, ...(ev.has('dTLB-store-misses') ? { storeMisses: ev.get('dTLB-store-misses') } : {}) };
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return Object.keys(byConfig).length ? { byConfig } : { unavailable: `perf stat counted no ${DTLB_EVENTS.join(' or ')} on this CPU` };
}
