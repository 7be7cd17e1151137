// `rust-perf bench-plan | bench-shard | bench-summary`: the CI side of atomized benches. A thin shell
// over core/bench/shards/shards.ts: asks Nx which atomized bench targets exist (affected), splits them,
// runs one shard's share with `nx run`, and merges the summaries of every shard into one verdict.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from './core/fs/atomic';
import { run } from './core/process/run';
import { locateNx } from './core/report/nx-bin';
import { comparedRefsFile, recordComparedRef } from './core/bench/gate/compare-refs';
import { benchTasksFromGraph, mergeShardSummaries, parseCosts, readShardSummary, splitShards, type BenchTask, type ShardPlan } from './core/bench/shards/shards';
import { parseJson } from './core/bench/json';
import { outputPaths } from './core/layout/output-paths';

/**
 * Where the plan goes unless --out says otherwise: under dist/, which init git-ignores, so the plan is inside
 * no package (a root crate's folder is the repository: a plan there would be one of its inputs).
 */
export const DEFAULT_PLAN_FILE = outputPaths.benchPlan();

export const SHARDS_USAGE = [
  'rust-perf bench-plan --shards <n> [--base <ref>] [--costs <costs.json>] [--ci-target bench-ci] [--out <plan.json, default dist/rust-perf/bench-plan.json>]',
  'rust-perf bench-shard --plan <plan.json> --shard <i> [-- <flags for nx run, e.g. --compareRef=origin/main>]',
  'rust-perf bench-summary --plan <plan.json> [--out <summary.md>] [--costs-out <costs.json>] <folder or summary.json>…',
]
  .map((l) => `       ${l}`)
  .join('\n');

interface Parsed {
  flags: Map<string, string>;
  rest: string[];
  passthrough: string[];
}

function parseArgs(args: readonly string[], known: readonly string[]): Parsed {
  const flags = new Map<string, string>();
  const rest: string[] = [];
  const dash = args.indexOf('--');
  const own = dash < 0 ? args : args.slice(0, dash);
  for (let i = 0; i < own.length; i++) {
    const a = own[i];
    if (!a.startsWith('--')) {
      rest.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split(/=(.*)/s, 2);
    if (!known.includes(name)) throw new UsageError(`unknown argument ${JSON.stringify(a)}`);
    const value = inline ?? own[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    flags.set(name, value);
  }
  return { flags, rest, passthrough: dash < 0 ? [] : args.slice(dash + 1) };
}

class UsageError extends Error {}

const elapsed = (started: number) => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const say = (started: number, line: string) => process.stderr.write(`[rust-perf ${elapsed(started)}] ${line}\n`);

/**
 * argv starting the workspace's own nx: its node_modules (npm, pnpm, yarn), the nx beside rust-perf, or
 * Nx's `.nx/installation`. `npx nx` in a repository without package.json tried to download another nx.
 */
function nxArgv(cwd: string, args: string[]): [string, string[]] {
  const found = locateNx({
    root: cwd,
    resolve: (request, paths) => (paths === undefined ? require.resolve(request) : require.resolve(request, { paths })),
    readFile: (file) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined),
  });
  return 'bin' in found ? [process.execPath, [found.bin, ...args]] : ['npx', ['nx', ...args]];
}

async function nx(args: string[], cwd: string): Promise<string> {
  const result = await run(...nxArgv(cwd, args), { cwd, env: { NX_DAEMON: 'false' } });
  if (result.exitCode !== 0) throw new Error(`\`${result.command}\` exited with code ${result.exitCode}: ${result.stderr.trim().split('\n').slice(-3).join(' / ')}`);
  return result.stdout;
}

function readPlan(file: string): ShardPlan {
  const plan = parseJson(fs.readFileSync(file, 'utf8'), file) as ShardPlan;
  if (!Array.isArray(plan?.assignments) || !Array.isArray(plan.expected)) throw new Error(`${file}: not a plan written by \`rust-perf bench-plan\` (no assignments/expected).`);
  return plan;
}

async function benchPlan(args: string[], cwd: string): Promise<number> {
  const started = Date.now();
  const { flags } = parseArgs(args, ['shards', 'base', 'head', 'costs', 'ci-target', 'out']);
  const shards = Number(flags.get('shards') ?? '1');
  const ciTarget = flags.get('ci-target') ?? 'bench-ci';
  const costsFile = flags.get('costs');
  // A missing costs file is the first run: an equal split, said so.
  const costs = costsFile && fs.existsSync(costsFile) ? parseCosts(fs.readFileSync(costsFile, 'utf8'), costsFile) : {};
  if (costsFile && !fs.existsSync(costsFile)) say(started, `no ${costsFile} yet (first run): splitting by count`);
  const base = flags.get('base');
  const showArgs = ['show', 'projects', '--withTarget', ciTarget, '--json', ...(base ? ['--affected', `--base=${base}`, ...(flags.get('head') ? [`--head=${flags.get('head')}`] : [])] : [])];
  say(started, `nx ${showArgs.join(' ')}`);
  const projects = parseJson(await nx(showArgs, cwd), 'nx show projects --json') as string[];
  const graphFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rust-perf-graph-')), 'graph.json');
  say(started, `nx graph --file=${graphFile}`);
  await nx(['graph', `--file=${graphFile}`], cwd);
  const tasks: BenchTask[] = benchTasksFromGraph(fs.readFileSync(graphFile, 'utf8'), graphFile, projects, ciTarget);
  fs.rmSync(path.dirname(graphFile), { recursive: true, force: true });
  const plan = splitShards(tasks, shards, costs);
  const out = flags.get('out') ?? DEFAULT_PLAN_FILE;
  writeFileAtomic(path.resolve(cwd, out), JSON.stringify(plan, null, 2) + '\n');
  const total = plan.assignments.reduce((s, a) => s + a.cost, 0);
  plan.assignments.forEach((a, i) => {
    const share = total > 0 ? ((a.cost / total) * 100).toFixed(1) : '0.0';
    say(started, `shard ${i + 1}/${shards}: ${a.tasks.length} bench(es), cost ${a.cost.toFixed(1)} (${share}% of the work, 1/${shards} = ${(100 / shards).toFixed(1)}%): ${a.tasks.map((t) => `${t.project}:${t.target}`).join(', ') || 'nothing'}`);
  });
  say(started, `wrote ${out}: ${tasks.length} atomized bench target(s) in ${projects.length} project(s), ${plan.balance} split`);
  return 0;
}

/** The value of `--compareRef=<ref>` or `--compareRef <ref>` among the arguments passed to each task. */
export function compareRefOf(passthrough: readonly string[]): string | undefined {
  for (const [i, a] of passthrough.entries()) {
    if (a.startsWith('--compareRef=')) return a.slice('--compareRef='.length) || undefined;
    if (a === '--compareRef') return passthrough[i + 1];
  }
  return undefined;
}

async function benchShard(args: string[], cwd: string): Promise<number> {
  const started = Date.now();
  const { flags, passthrough } = parseArgs(args, ['plan', 'shard']);
  const planFile = flags.get('plan');
  if (!planFile) throw new UsageError('--plan is required');
  const plan = readPlan(planFile);
  const index = Number(flags.get('shard'));
  if (!Number.isInteger(index) || index < 1 || index > plan.assignments.length) throw new UsageError(`--shard must be 1…${plan.assignments.length} (the plan's shards), got ${flags.get('shard')}`);
  const tasks = plan.assignments[index - 1].tasks;
  const failed: string[] = [];
  // A symbolic --compareRef joins the bench targets' cache key (core/bench/gate/compare-refs.ts) only once recorded:
  // record it before Nx hashes the first task, so a runner's first run keys as every later one does.
  const compareRef = compareRefOf(passthrough);
  if (compareRef !== undefined && recordComparedRef(comparedRefsFile(cwd), compareRef)) say(started, `shard ${index}: ${compareRef} recorded for the bench targets' cache key`);
  // SIGINT/SIGTERM stop the shard at once: the running `nx run` and everything under it (cargo, the bench)
  // get the signal as a process group (run's killGroup), and no further bench starts.
  let stopped: NodeJS.Signals | undefined;
  const stop = (signal: NodeJS.Signals) => () => (stopped ??= signal);
  const onInt = stop('SIGINT');
  const onTerm = stop('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    for (const [i, t] of tasks.entries()) {
      if (stopped) break;
      say(started, `shard ${index}: ${i + 1}/${tasks.length} nx run ${t.project}:${t.target} ${passthrough.join(' ')}`);
      // Each bench on its own, one after the other: two timed at once would slow each other down.
      const result = await run(...nxArgv(cwd, ['run', `${t.project}:${t.target}`, ...passthrough]), { cwd, echo: true, env: { NX_DAEMON: 'false' }, killGroup: true });
      if (stopped) break;
      if (result.exitCode !== 0) failed.push(`${t.project}:${t.target}`);
    }
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
  if (stopped) {
    say(started, `shard ${index}: stopped by ${stopped}; the remaining bench(es) did not start`);
    return stopped === 'SIGINT' ? 130 : 143;
  }
  say(started, failed.length ? `shard ${index}: ${failed.length} of ${tasks.length} failed: ${failed.join(', ')}` : `shard ${index}: ${tasks.length} bench target(s) done`);
  return failed.length ? 1 : 0;
}

function summaryFiles(target: string): string[] {
  const st = fs.statSync(target, { throwIfNoEntry: false });
  if (!st) return [];
  if (st.isFile()) return [target];
  return fs
    .readdirSync(target, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? summaryFiles(path.join(target, e.name)) : e.name === 'summary.json' ? [path.join(target, e.name)] : []));
}

async function benchSummary(args: string[], cwd: string): Promise<number> {
  const { flags, rest } = parseArgs(args, ['plan', 'out', 'costs-out']);
  const planFile = flags.get('plan');
  if (!planFile) throw new UsageError('--plan is required (the merge must know which benches to expect)');
  if (rest.length === 0) throw new UsageError('name at least one folder (or summary.json) holding the shards\' summaries');
  const plan = readPlan(planFile);
  const files = rest.flatMap((r) => summaryFiles(path.resolve(cwd, r)));
  const summaries = files.map((f) => readShardSummary(fs.readFileSync(f, 'utf8'), path.relative(cwd, f)));
  const merged = mergeShardSummaries(plan.expected, summaries);
  if (flags.get('out')) writeFileAtomic(path.resolve(cwd, flags.get('out')!), merged.markdown);
  const costsOut = flags.get('costs-out') && path.resolve(cwd, flags.get('costs-out')!);
  if (costsOut) {
    // Benches not measured this time keep the cost an earlier merge measured.
    const earlier = fs.existsSync(costsOut) ? parseCosts(fs.readFileSync(costsOut, 'utf8'), costsOut) : {};
    writeFileAtomic(costsOut, JSON.stringify({ costs: { ...earlier, ...merged.costs } }, null, 2) + '\n');
  }
  // The markdown ends with the verdict: printed once.
  process.stdout.write(merged.markdown);
  if (merged.failed) process.stderr.write('rust-perf bench-summary: FAILED (the reasons are above)\n');
  return merged.failed ? 1 : 0;
}

const COMMANDS: Record<string, (args: string[], cwd: string) => Promise<number>> = { 'bench-plan': benchPlan, 'bench-shard': benchShard, 'bench-summary': benchSummary };

export async function shardsCommand(command: string, args: string[]): Promise<number> {
  try {
    return await COMMANDS[command](args, process.cwd());
  } catch (e) {
    process.stderr.write(`rust-perf ${command}: ${(e as Error).message}\n`);
    if (e instanceof UsageError) process.stderr.write(`usage:\n${SHARDS_USAGE}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}
