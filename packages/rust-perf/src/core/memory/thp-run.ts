// What perf-report's `thp` configuration needs from this machine: the kernel's THP mode, the
// allocator the release binary links (read from the binary), the switch that asks it for huge pages,
// page faults from perf stat, and dTLB misses where the machine has hardware counters.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../process/run';
import { whichSync } from '../toolchain/cache';
import { hasHardwareCounters } from '../count/count';
import { parsePerfEvents } from '../count/hardware';
import { readHugePageFacts, type KernelRoots } from './hugepages';
import { describeAllocator, linkedAllocator, parseGlibcVersion, thpPlan, type ThpPlan } from './thp-env';
import type { MemorySection } from './section';
import { spread } from '../stats/spread';

export interface ThpSetup {
  plan: ThpPlan;
  section: Omit<MemorySection, 'dtlb' | 'pageFaults'>;
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
/** A software event: counted on VMs without a PMU too. Huge pages take one fault per 2 MiB instead of 512. */
export const FAULT_EVENT = 'page-faults';

export interface PerfStatRun {
  name: string;
  file: string;
  args: readonly string[];
  cwd: string;
  env?: Record<string, string | undefined>;
}

/**
 * `rounds` perf stat runs per configuration, interleaved: page faults (a software event, so VMs count
 * them too) and, where the machine has hardware counters, dTLB misses; or why each cannot be shown.
 */
export async function faultsAndTlb(runs: readonly PerfStatRun[], rounds: number): Promise<Pick<MemorySection, 'pageFaults' | 'dtlb'>> {
  if (!whichSync('perf')) {
    const why = 'perf is not installed (apt-get install linux-perf)';
    return { pageFaults: { unavailable: why }, dtlb: { unavailable: `${why}, so no dTLB counters` } };
  }
  const hardware = await hasHardwareCounters();
  const events = [FAULT_EVENT, ...(hardware ? DTLB_EVENTS : [])];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rust-perf-faults-'));
  const faults: Record<string, number[]> = {};
  const dtlb: Record<string, { loadMisses: number; storeMisses?: number }> = {};
  try {
    for (let round = 0; round < rounds; round++) {
      for (const r of runs) {
        const out = path.join(dir, `${r.name.replace(/[^\w.-]/g, '_')}-${round}.csv`);
        const res = await run('perf', ['stat', '-x', ',', '-e', events.join(','), '-o', out, '--', r.file, ...r.args], { cwd: r.cwd, env: r.env });
        if (res.exitCode !== 0 || !fs.existsSync(out)) continue;
        const ev = parsePerfEvents(fs.readFileSync(out, 'utf8'));
        if (ev.has(FAULT_EVENT)) (faults[r.name] ??= []).push(ev.get(FAULT_EVENT)!);
        // dTLB: the first round's counts (real, not deterministic).
        const load = ev.get('dTLB-load-misses');
        if (load !== undefined && !dtlb[r.name]) dtlb[r.name] = { loadMisses: load, ...(ev.has('dTLB-store-misses') ? { storeMisses: ev.get('dTLB-store-misses') } : {}) };
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const byConfig = Object.fromEntries(Object.entries(faults).map(([n, v]) => [n, spread(v)]));
  return {
    pageFaults: Object.keys(byConfig).length ? { byConfig } : { unavailable: `perf stat counted no ${FAULT_EVENT} here` },
    dtlb: !hardware
      ? { unavailable: 'this machine has no hardware counters (perf stat counts no instructions or cycles: a VM without a PMU), so they cannot be shown here; run the report on bare metal or a VM with a vPMU' }
      : Object.keys(dtlb).length
        ? { byConfig: dtlb }
        : { unavailable: `perf stat counted no ${DTLB_EVENTS.join(' or ')} on this CPU` },
  };
}
