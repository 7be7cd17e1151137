// perf-report's wall-time runs (round-robin over the configurations, with peak RSS and, for thp,
// huge pages sampled) and each configuration's row of the report from them.
import * as fs from 'node:fs';
import { describeCommand, run } from '../../core/process/run';
import { formatSeconds } from '../../core/progress';
import { watchPeakRss } from '../../core/count';
import { watchHugePages } from '../../core/memory/watch';
import type { AnonymousMemory } from '../../core/memory/hugepages';
import { hugePageColumns } from '../../core/memory/section';
import { countVectorInstructions, eta, parseThroughput, spread, type ConfigResult } from '../../core/report/report';
import { countedColumns } from '../../core/report/configurations';
import type { Candidate } from './binaries';
import type { Counted } from './counting';

export type Timings = Map<string, { seconds: number[]; throughput: number[]; unit?: string; rssKiB: number[]; huge: AnonymousMemory[] }>;

export interface Workload {
  bin: string;
  args: string[];
  env?: Record<string, string | undefined>;
  cwd: string;
  /** /proc, when huge pages are sampled (the thp configuration). */
  hugePagesProc?: string;
}

export async function timeRuns(candidates: readonly Candidate[], w: Workload, runs: number): Promise<Timings> {
  const timings: Timings = new Map(candidates.map((c) => [c.name, { seconds: [], throughput: [], rssKiB: [], huge: [] }]));
  const done: number[] = [];
  const total = runs * candidates.length;
  for (let i = 0; i < runs; i++) {
    // Round-robin, so machine noise hits every configuration alike.
    for (const c of candidates) {
      const rss = watchPeakRss(c.binary);
      const huge = w.hugePagesProc !== undefined ? watchHugePages(c.binary, w.hugePagesProc) : undefined;
      const r = await run(c.binary, w.args, { cwd: w.cwd, env: { ...w.env, ...c.env }, onSpawn: (pid) => (rss.onSpawn(pid), huge?.onSpawn(pid)) });
      const peak = rss.stop();
      const hugeSample = huge?.stop();
      if (r.exitCode !== 0) throw new Error(`${describeCommand(c.binary, w.args)} (${c.name}) exited with ${r.exitCode ?? r.signal}:\n${r.stderr.slice(-2000)}`);
      const t = timings.get(c.name)!;
      t.seconds.push(r.durationMs / 1000);
      if (peak !== undefined) t.rssKiB.push(peak);
      if (hugeSample) t.huge.push(hugeSample);
      const tp = parseThroughput(r.stdout + r.stderr);
      if (tp) {
        t.throughput.push(tp.value);
        t.unit = tp.unit;
      }
      done.push(r.durationMs / 1000);
      console.log(`  run ${i + 1}/${runs} ${c.name.padEnd(16)} ${formatSeconds(r.durationMs)}   (${done.length}/${total}, about ${formatSeconds(eta(done, total - done.length) * 1000)} left)`);
    }
  }
  return timings;
}

/** Each configuration's row: its binary's size and vector instructions (objdump), its runs' spreads and its counted columns. */
export async function configResults(candidates: readonly Candidate[], timings: Timings, counted: Counted, cwd: string): Promise<ConfigResult[]> {
  const configs: ConfigResult[] = [];
  for (const c of candidates) {
    const dis = await run('objdump', ['-d', '--no-show-raw-insn', c.binary], { cwd });
    const vec = dis.exitCode === 0 ? countVectorInstructions(dis.stdout) : { ymm: 0, zmm: 0 };
    const t = timings.get(c.name)!;
    configs.push({
      name: c.name,
      description: c.description,
      buildSeconds: c.buildSeconds,
      ...(c.buildKind ? { buildKind: c.buildKind } : {}),
      source: c.source,
      binaryBytes: fs.statSync(c.binary).size,
      runtimeSeconds: spread(t.seconds),
      ...(t.unit && t.throughput.length === t.seconds.length ? { throughput: { ...spread(t.throughput), unit: t.unit } } : {}),
      ymmInstructions: vec.ymm,
      zmmInstructions: vec.zmm,
      // Only when every run was sampled, so the spread covers the same runs as the runtime's.
      ...(t.rssKiB.length === t.seconds.length ? { peakRssKiB: spread(t.rssKiB) } : {}),
      ...countedColumns(counted.get(c.name)),
      ...(t.huge.length === t.seconds.length && t.huge.length > 0 ? { hugePages: hugePageColumns(t.huge) } : {}),
      ...(c.env ? { environment: c.env } : {}),
    });
  }
  return configs;
}
