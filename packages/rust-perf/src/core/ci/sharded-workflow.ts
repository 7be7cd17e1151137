// `ci-workflow --shards N`: the bench gate spread over a GitHub Actions matrix. A plan job lists the
// affected atomized bench targets and splits them (rust-perf bench-plan, balanced on the costs the
// last merge on main measured); N bench jobs each run their share with the same-job gate and the Nx
// remote cache; a gate job merges every shard's summaries and fails if any part regressed or is missing.
import type { WorkflowOptions } from './github-workflow';

export const COSTS_DIR = '.bench-costs';
const PLAN_FILE = 'bench-plan.json';

type Step = Record<string, unknown>;

/** The Nx remote cache: configured by the repository (a variable and a secret); absent ones leave Nx on its local cache. */
const REMOTE_CACHE_ENV = {
  NX_SELF_HOSTED_REMOTE_CACHE_SERVER: '${{ vars.NX_SELF_HOSTED_REMOTE_CACHE_SERVER }}',
  NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: '${{ secrets.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN }}',
};

/** The argv each shard runs (the e2e runs these too, with its own base): `rust-perf bench-shard` over `nx run`. */
export function shardCommand(o: Pick<WorkflowOptions, 'failOnRegression'>, base: string, shard: string): string[] {
  return ['rust-perf', 'bench-shard', `--plan=${PLAN_FILE}`, `--shard=${shard}`, '--', `--compareRef=${base}`, `--failOnRegression=${o.failOnRegression}`, '--output-style=static'];
}

export function planCommand(shards: number, base: string, head: string, ciTarget: string): string[] {
  return ['rust-perf', 'bench-plan', `--shards=${shards}`, `--base=${base}`, `--head=${head}`, `--ci-target=${ciTarget}`, `--costs=${COSTS_DIR}/costs.json`, `--out=${PLAN_FILE}`];
}

export function mergeCommand(): string[] {
  return ['rust-perf', 'bench-summary', `--plan=${PLAN_FILE}`, '--out=bench-summary.md', `--costs-out=${COSTS_DIR}/costs.json`, 'shards'];
}

/**
 * The three jobs, from the single-job workflow's steps: `checkout` and `npm` (node, npm ci,
 * nx-set-shas) are what every job needs before nx runs, `toolchain` what a bench job adds (rust,
 * caches, valgrind and whatever else the single job installs).
 */
export function shardedJobs(o: WorkflowOptions & { shards: number; benchCiTarget: string }, setup: { checkout: Step[]; toolchain: Step[]; npm: Step[] }): Record<string, unknown> {
  if (o.gate === 'cross-run') throw new Error('--shards runs the same-job gate on each shard (base and head on one runner); it cannot be combined with --gate=cross-run.');
  if (o.pgo) throw new Error('--shards writes the sharded bench gate only; run build-pgo in a workflow of its own (ci-workflow --pgo without --shards).');
  const costsKey = `bench-costs-\${{ runner.os }}`;
  const planArtifact = { uses: 'actions/download-artifact@v4', with: { name: 'bench-plan' } };
  return {
    plan: {
      'runs-on': 'ubuntu-latest',
      steps: [
        ...setup.checkout,
        ...setup.npm,
        {
          name: 'Restore the benches\' measured costs (written by the last merge on the main branch; none: an equal split)',
          uses: 'actions/cache/restore@v4',
          with: { path: COSTS_DIR, key: `${costsKey}-\${{ github.sha }}`, 'restore-keys': `${costsKey}-` },
        },
        { name: `Split the affected atomized benches over ${o.shards} shards`, run: `npx ${planCommand(o.shards, '$NX_BASE', '$NX_HEAD', o.benchCiTarget).join(' ')}` },
        { uses: 'actions/upload-artifact@v4', with: { name: 'bench-plan', path: PLAN_FILE } },
      ],
    },
    bench: {
      needs: 'plan',
      'runs-on': 'ubuntu-latest',
      // Every shard reports, even when another one found a regression: the merge names every failing part.
      strategy: { 'fail-fast': false, matrix: { shard: Array.from({ length: o.shards }, (_, i) => i + 1) } },
      env: REMOTE_CACHE_ENV,
      steps: [
        ...setup.checkout,
        ...setup.toolchain,
        ...setup.npm,
        planArtifact,
        { name: 'Benchmarks of this shard (each bench: base and head measured on this runner)', run: `npx ${shardCommand(o, '$NX_BASE', '${{ matrix.shard }}').join(' ')}` },
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
        { name: 'Merge the shards\' summaries and gate (fails on a regression or a missing bench)', run: `npx ${mergeCommand().join(' ')}` },
        { name: 'Benchmark table', if: 'always()', run: '[ -f bench-summary.md ] && cat bench-summary.md >> "$GITHUB_STEP_SUMMARY"; true' },
        {
          name: 'Keep the measured costs for the next split',
          if: `always() && github.ref == 'refs/heads/${o.mainBranch}'`,
          uses: 'actions/cache/save@v4',
          with: { path: COSTS_DIR, key: `${costsKey}-\${{ github.sha }}` },
        },
      ],
    },
  };
}
