// Spreading atomized bench targets over CI machines, the pure part: which tasks exist (from Nx's
// project graph), a deterministic split balanced on each bench's measured cost, and the merge of the
// summaries the shards wrote into one verdict that knows which benches it expected.
import { parseJson } from '../json';
import { comparisonRows, type BenchComparison, type BenchVerdict } from '../gate/paired';

/** One atomized bench target: `nx run <project>:<target>` runs `cargo bench -p <package> --bench <bench>`. */
export interface BenchTask {
  project: string;
  target: string;
  bench: string;
  outputPath?: string;
}

/** What `nx graph --file=<json>` writes, the fields read here. */
interface GraphTarget {
  executor?: string;
  options?: Record<string, unknown>;
  dependsOn?: unknown[];
}
interface GraphFile {
  graph?: { nodes?: Record<string, { data?: { targets?: Record<string, GraphTarget> } }> };
}

export class ShardInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShardInputError';
  }
}

/**
 * The atomized bench tasks of `projects`: the targets each project's bench-ci target depends on
 * (so a renamed or a user-added atomized target is followed, not guessed from names). Sorted by project, then target.
 */
export function benchTasksFromGraph(graphText: string, file: string, projects: readonly string[], ciTargetName: string): BenchTask[] {
  const graph = parseJson(graphText, file) as GraphFile;
  const nodes = graph.graph?.nodes;
  if (!nodes) throw new ShardInputError(`${file}: not an Nx project graph (no graph.nodes); write it with \`npx nx graph --file=${file}\`.`);
  const tasks: BenchTask[] = [];
  for (const project of [...projects].sort()) {
    const targets: Record<string, GraphTarget> = nodes[project]?.data?.targets ?? {};
    const ci: GraphTarget | undefined = targets[ciTargetName];
    if (!ci) continue;
    for (const dep of ci.dependsOn ?? []) {
      const entry = (typeof dep === 'string' ? { target: dep } : dep) as { target?: string; projects?: unknown };
      const target = entry.target;
      const own = entry.projects === undefined || entry.projects === 'self';
      if (!target || !own || target.startsWith('^')) continue;
      const options = targets[target]?.options ?? {};
      const benches = options.benches;
      if (targets[target]?.executor !== 'rust-perf:bench' || !Array.isArray(benches) || benches.length !== 1) continue;
      tasks.push({ project, target, bench: String(benches[0]), ...(typeof options.outputPath === 'string' ? { outputPath: options.outputPath } : {}) });
    }
  }
  return tasks.sort((a, b) => a.project.localeCompare(b.project) || a.target.localeCompare(b.target));
}

export const taskKey = (t: { project: string; bench: string }) => `${t.project}:${t.bench}`;

/** Measured seconds per task key (`project:bench`), as the merge step writes them. */
export type BenchCosts = Record<string, number>;

export function parseCosts(text: string, file: string): BenchCosts {
  const data = parseJson(text, file) as { costs?: unknown };
  const costs = data && typeof data === 'object' ? data.costs : undefined;
  if (!costs || typeof costs !== 'object' || Array.isArray(costs)) throw new ShardInputError(`${file}: expected {"costs": {"<project>:<bench>": seconds, …}} as \`rust-perf bench-summary --costs-out\` writes it.`);
  const out: BenchCosts = {};
  for (const [k, v] of Object.entries(costs)) if (typeof v === 'number' && Number.isFinite(v) && v > 0) out[k] = v;
  return out;
}

export interface ShardPlan {
  shards: number;
  /** Per shard, its tasks and their summed cost (seconds; 1 per task when no cost was known). */
  assignments: Array<{ tasks: BenchTask[]; cost: number }>;
  /** Every task, the set the merge expects a summary for. */
  expected: BenchTask[];
  /** "measured" when every task had a cost, "partly measured" when some had, "equal" when none. */
  balance: 'measured' | 'partly measured' | 'equal';
}

/**
 * Longest processing time first: tasks by cost (descending, then by key), each to the shard with the
 * least cost so far (the lowest index on a tie). The same tasks and costs give the same split on every
 * machine, so each shard computes its own share without talking to the others. A task without a
 * measured cost counts as the median of the known ones (1 when none is known: an equal split).
 */
export function splitShards(tasks: readonly BenchTask[], shardCount: number, costs: BenchCosts = {}): ShardPlan {
  if (!Number.isInteger(shardCount) || shardCount < 1) throw new ShardInputError(`the number of shards must be a whole number of at least 1, got ${shardCount}.`);
  const known = tasks.map((t) => costs[taskKey(t)]).filter((c): c is number => c !== undefined);
  const sorted = [...known].sort((a, b) => a - b);
  const fallback = sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : 1;
  const cost = (t: BenchTask) => costs[taskKey(t)] ?? fallback;
  const order = [...tasks].sort((a, b) => cost(b) - cost(a) || taskKey(a).localeCompare(taskKey(b)));
  const assignments = Array.from({ length: shardCount }, () => ({ tasks: [] as BenchTask[], cost: 0 }));
  for (const t of order) {
    let best = 0;
    for (let i = 1; i < shardCount; i++) if (assignments[i].cost < assignments[best].cost) best = i;
    assignments[best].tasks.push(t);
    assignments[best].cost += cost(t);
  }
  for (const a of assignments) a.tasks.sort((x, y) => taskKey(x).localeCompare(taskKey(y)));
  const balance = known.length === 0 ? 'equal' : known.length === tasks.length ? 'measured' : 'partly measured';
  return { shards: shardCount, assignments, expected: [...tasks], balance };
}

/** A shard's summary.json (the compareRef form), the fields the merge reads. */
export interface ShardSummary {
  file: string;
  project: string;
  benches: string[];
  verdict: 'pass' | 'fail';
  message: string;
  ref: string;
  baseCommit: string;
  headCommit: string;
  comparisons: BenchComparison[];
  elapsedSeconds?: number;
  /** Whether the bench ran (rounds > 0); a bench whose inputs did not change since the base is "not rerun" and costs nothing worth recording. */
  ran: boolean;
}

export function readShardSummary(text: string, file: string): ShardSummary {
  const data = parseJson(text, file) as Record<string, unknown>;
  const comparison = data?.comparison as Record<string, unknown> | undefined;
  if (typeof data?.project !== 'string' || !Array.isArray(data.benches) || !comparison || !Array.isArray(comparison.benchmarks)) {
    throw new ShardInputError(
      `${file}: not a summary.json of an atomized bench run with compareRef (needs project, benches and comparison); run \`nx run <project>:bench--<bench> --compareRef=<base>\`.`,
    );
  }
  return {
    file,
    project: data.project,
    benches: data.benches.map(String),
    verdict: comparison.verdict === 'fail' ? 'fail' : 'pass',
    message: String(comparison.message ?? ''),
    ref: String(comparison.ref ?? ''),
    baseCommit: String(comparison.baseCommit ?? ''),
    headCommit: String(comparison.headCommit ?? ''),
    comparisons: comparison.benchmarks as BenchComparison[],
    ran: Number(comparison.rounds) > 0,
    ...(typeof data.elapsedSeconds === 'number' ? { elapsedSeconds: data.elapsedSeconds } : {}),
  };
}

export interface MergedVerdict {
  failed: boolean;
  /** Expected tasks no summary covers (a shard that failed before writing, or never reported). */
  missing: BenchTask[];
  /** Tasks more than one summary covers (the same bench on two shards): reported, the worse verdict kept. */
  duplicated: string[];
  /** Per benchmark, `project/benchmark id` → verdict: what the single-runner gate would say. */
  verdicts: Record<string, BenchVerdict>;
  /** Summaries whose own gate failed, each with its message. */
  failedParts: Array<{ key: string; message: string }>;
  message: string;
  markdown: string;
  /** Measured seconds per task that ran, for the next split (a bench not rerun took no measurement). */
  costs: BenchCosts;
}

/** Merges any number of shard summaries, from any number of machines, against the expected set of tasks. */
export function mergeShardSummaries(expected: readonly BenchTask[], summaries: readonly ShardSummary[]): MergedVerdict {
  const covering = new Map<string, ShardSummary[]>();
  for (const s of summaries) for (const bench of s.benches) covering.set(taskKey({ project: s.project, bench }), [...(covering.get(taskKey({ project: s.project, bench })) ?? []), s]);
  const missing = expected.filter((t) => !covering.has(taskKey(t)));
  const duplicated = [...covering].filter(([, list]) => list.length > 1).map(([k]) => k);
  // Each summary once, in the expected order, then any not expected (still gated: a regression is a regression).
  const used: ShardSummary[] = [];
  for (const t of expected) for (const s of covering.get(taskKey(t)) ?? []) if (!used.includes(s)) used.push(s);
  for (const s of summaries) if (!used.includes(s)) used.push(s);
  const verdicts: Record<string, BenchVerdict> = {};
  const rank: BenchVerdict[] = ['regressed', 'not compared', 'slower', 'faster', 'not enough rounds to decide', 'no significant change', 'new', 'removed'];
  const rows: string[][] = [];
  for (const s of used) {
    for (const c of s.comparisons) {
      const key = `${s.project}/${c.id}`;
      const prev = verdicts[key];
      if (prev === undefined || rank.indexOf(c.verdict) < rank.indexOf(prev)) verdicts[key] = c.verdict;
    }
    for (const r of comparisonRows(s.comparisons).slice(1)) rows.push([s.project, ...r]);
  }
  const failedParts = used.filter((s) => s.verdict === 'fail').map((s) => ({ key: s.benches.map((b) => taskKey({ project: s.project, bench: b })).join(', '), message: s.message }));
  const costs: BenchCosts = {};
  for (const s of used) if (s.ran && s.elapsedSeconds !== undefined && s.benches.length === 1) costs[taskKey({ project: s.project, bench: s.benches[0] })] = s.elapsedSeconds;

  const lines: string[] = [];
  if (missing.length) {
    lines.push(`${missing.length} of ${expected.length} expected bench(es) reported no summary, so the gate cannot pass (a shard failed before writing it, or never reported):`);
    for (const t of missing) lines.push(`  ${t.project}:${t.target} (cargo bench -p … --bench ${t.bench})`);
  }
  for (const p of failedParts) lines.push(`${p.key}: ${p.message.split('\n')[0]}`, ...p.message.split('\n').slice(1));
  const failed = missing.length > 0 || failedParts.length > 0;
  const compared = Object.values(verdicts).filter((v) => v !== 'new' && v !== 'removed' && v !== 'not compared').length;
  const message = failed
    ? lines.join('\n')
    : `No regression in ${expected.length} bench target(s) from ${summaries.length} summary file(s) (${compared} benchmark(s) compared with the base on their own runner).`;

  const refs = [...new Set(used.map((s) => `${s.ref} (${s.baseCommit.slice(0, 12)})`))];
  const heads = [...new Set(used.map((s) => s.headCommit.slice(0, 12)))];
  const header = ['project', 'benchmark', 'metric', 'base', 'head', 'change', 'interval', 'verdict'];
  const escape = (x: string) => x.replace(/\|/g, '\\|');
  const markdown = [
    `# Benchmarks: ${expected.length} bench target(s), head vs ${refs.join(', ') || 'no base'}`,
    '',
    `Each bench target compared its base and head on the runner it ran on (head ${heads.join(', ') || 'none'}); this table merges ${summaries.length} summary file(s).`,
    '',
    `| ${header.map(escape).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(escape).join(' | ')} |`),
    '',
    ...message.split('\n').map((l) => (l.startsWith('  ') ? `- ${l.trim()}` : l)),
    ...(duplicated.length ? ['', `Ran on more than one runner (the worse verdict is kept): ${duplicated.join(', ')}.`] : []),
    '',
  ].join('\n');
  return { failed, missing, duplicated, verdicts, failedParts, message, markdown, costs };
}
