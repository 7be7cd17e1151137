// `ci-workflow --shards N`: the bench gate spread over a GitHub Actions matrix. A plan job lists the
// affected atomized bench targets and splits them (rust-perf bench-plan, balanced on the costs the
// last merge on main measured); N bench jobs each run their share with the same-job gate and the Nx
// remote cache; a gate job merges every shard's summaries and fails if any part regressed or is missing.
import type { WorkflowOptions } from './workflow-options';
import type { PackageManagerSteps } from './repository';

export const COSTS_DIR = '.bench-costs';
/**
 * The plan travels between jobs as an artifact in the runner's temp folder: a file in the checkout
 * would be an untracked file inside a root crate's folder, and untracked files there count as changes.
 */
export const PLAN_DIR = '${{ runner.temp }}/bench-plan';
const PLAN_FILE = '$RUNNER_TEMP/bench-plan/bench-plan.json';

type Step = Record<string, unknown>;

/** A push to the default branch: the only event that may write shared state (the remote cache, measured costs, baselines). */
export const pushToDefault = (branch: string): string => `github.event_name == 'push' && github.ref == 'refs/heads/${branch}'`;

/**
 * The Nx remote cache, configured by the repository (a variable and two secrets). Only a push to the
 * default branch gets the write token; every other run (pull requests above all) gets the read-only
 * one, so a pull request cannot upload an artifact under a key the default branch computes later
 * (CVE-2025-36852, "CREEP"). Without a token the server is left unset too: Nx 24 fails the whole run
 * on a 401 ("Unauthorized"), and a fork's pull request gets no secrets.
 */
export function remoteCacheEnv(branch: string): Record<string, string> {
  const token = `(${pushToDefault(branch)}) && secrets.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN || secrets.NX_SELF_HOSTED_REMOTE_CACHE_READ_TOKEN`;
  return {
    NX_SELF_HOSTED_REMOTE_CACHE_SERVER: `\${{ (${token}) && vars.NX_SELF_HOSTED_REMOTE_CACHE_SERVER || '' }}`,
    NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: `\${{ ${token} }}`,
  };
}

/** The argv each shard runs (the e2e runs these too, with its own base and plan): `rust-perf bench-shard` over `nx run`. */
export function shardCommand(o: Pick<WorkflowOptions, 'failOnRegression' | 'metric'>, base: string, shard: string, plan = PLAN_FILE): string[] {
  const metric = o.metric === 'instructions' ? ['--metric=instructions'] : [];
  return ['rust-perf', 'bench-shard', `--plan=${plan}`, `--shard=${shard}`, '--', `--compareRef=${base}`, `--failOnRegression=${o.failOnRegression}`, ...metric, '--output-style=static'];
}

export function planCommand(shards: number, base: string, head: string, ciTarget: string, plan = PLAN_FILE): string[] {
  return ['rust-perf', 'bench-plan', `--shards=${shards}`, `--base=${base}`, `--head=${head}`, `--ci-target=${ciTarget}`, `--costs=${COSTS_DIR}/costs.json`, `--out=${plan}`];
}

export function mergeCommand(plan = PLAN_FILE): string[] {
  return ['rust-perf', 'bench-summary', `--plan=${plan}`, '--out=bench-summary.md', `--costs-out=${COSTS_DIR}/costs.json`, 'shards'];
}

/** A `run:` line for a rust-perf CLI argv (argv[0] is "rust-perf"), started the way the repository runs its tools. */
function cliLine(pm: PackageManagerSteps, argv: readonly string[], word: (a: string) => string): string {
  return [pm.cli, ...argv.slice(1).map(word)].join(' ');
}

/**
 * The three jobs, from the single-job workflow's steps: `checkout` and `npm` (node, npm ci,
 * nx-set-shas) are what every job needs before nx runs, `toolchain` what a bench job adds (rust,
 * caches, valgrind and whatever else the single job installs).
 */
export function shardedJobs(
  o: WorkflowOptions & { shards: number; benchCiTarget: string },
  setup: { checkout: Step[]; toolchain: Step[]; npm: Step[]; pm: PackageManagerSteps },
  word: (a: string) => string,
): Record<string, unknown> {
  if (o.gate === 'cross-run') throw new Error('--shards runs the same-job gate on each shard (base and head on one runner); it cannot be combined with --gate=cross-run.');
  if (o.pgo) throw new Error('--shards writes the sharded bench gate only; run build-pgo in a workflow of its own (ci-workflow --pgo without --shards).');
  const costsKey = `bench-costs-\${{ runner.os }}`;
  const planArtifact = { uses: 'actions/download-artifact@v4', with: { name: 'bench-plan', path: PLAN_DIR } };
  const env = remoteCacheEnv(o.mainBranch);
  return {
    plan: {
      'runs-on': 'ubuntu-latest',
      steps: [
        ...setup.checkout,
        ...setup.npm,
        {
          name: `Restore the benches' measured costs (written by the last merge on ${o.mainBranch}; none: an equal split)`,
          uses: 'actions/cache/restore@v4',
          with: { path: COSTS_DIR, key: `${costsKey}-\${{ github.sha }}`, 'restore-keys': `${costsKey}-` },
        },
        { name: `Split the affected atomized benches over ${o.shards} shards`, run: cliLine(setup.pm, planCommand(o.shards, '$NX_BASE', '$NX_HEAD', o.benchCiTarget), word) },
        { uses: 'actions/upload-artifact@v4', with: { name: 'bench-plan', path: `${PLAN_DIR}/bench-plan.json` } },
      ],
    },
    bench: {
      needs: 'plan',
      'runs-on': 'ubuntu-latest',
      // Every shard reports, even when another one found a regression: the merge names every failing part.
      strategy: { 'fail-fast': false, matrix: { shard: Array.from({ length: o.shards }, (_, i) => i + 1) } },
      env,
      steps: [
        ...setup.checkout,
        ...setup.toolchain,
        ...setup.npm,
        planArtifact,
        { name: 'Benchmarks of this shard (each bench: base and head measured on this runner)', run: cliLine(setup.pm, shardCommand(o, '$NX_BASE', '${{ matrix.shard }}'), word) },
        {
          name: 'Upload this shard\'s summaries',
          if: 'always()',
          uses: 'actions/upload-artifact@v4',
          with: { name: 'bench-shard-${{ matrix.shard }}', path: 'dist/bench-ci', 'if-no-files-found': 'ignore' },
        },
      ],
    },
    gate: {
      needs: ['plan', 'bench'],
      // Also after a failed shard: a missing summary must fail here by name, not pass unnoticed.
      if: 'always()',
      'runs-on': 'ubuntu-latest',
      steps: [
        ...setup.checkout,
        ...setup.npm,
        planArtifact,
        { uses: 'actions/download-artifact@v4', with: { pattern: 'bench-shard-*', path: 'shards' } },
        { name: 'Merge the shards\' summaries and gate (fails on a regression or a missing bench)', run: cliLine(setup.pm, mergeCommand(), word) },
        { name: 'Benchmark table', if: 'always()', run: '[ -f bench-summary.md ] && cat bench-summary.md >> "$GITHUB_STEP_SUMMARY"; true' },
        {
          name: 'Keep the measured costs for the next split',
          if: `always() && ${pushToDefault(o.mainBranch)}`,
          uses: 'actions/cache/save@v4',
          with: { path: COSTS_DIR, key: `${costsKey}-\${{ github.sha }}` },
        },
      ],
    },
  };
}
