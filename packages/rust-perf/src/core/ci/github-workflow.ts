// The GitHub Actions workflow for affected-only builds and benchmarks, as data. The commands it runs
// come from affectedCommands(), which the e2e suite runs too, so what we test is what we generate.
import { createHash } from 'node:crypto';
import { parse, stringify } from 'yaml';
import { packageManagerSteps, type PackageManagerSteps } from './repository';
import { pushToDefault, remoteCacheEnv, shardedJobs } from './sharded-workflow';
import type { WorkflowOptions } from './workflow-options';

const NPM_WITH_LOCK = packageManagerSteps('npm', '20', { exists: (f) => f === 'package-lock.json', read: () => null });

/** The bench executor's flags the chosen metric adds (counted work: exact instruction counts under callgrind). */
function metricArgs(o: Pick<WorkflowOptions, 'metric'>): string[] {
  return o.metric === 'instructions' ? ['--metric=instructions'] : [];
}

export const BASELINE_DIR = '.bench-baseline';

/**
 * The nx commands the workflow runs, as argv (the e2e runs exactly these, with its own base/head).
 * Same-job gate: the bench compares with `base` itself (nx-set-shas makes it the pull request's merge base,
 * or the last green commit on main), one task at a time so benches never measure each other.
 */
export function affectedCommands(o: WorkflowOptions, base: string, head: string): string[][] {
  const range = [`--base=${base}`, `--head=${head}`];
  const commands = [['nx', 'affected', '-t', o.buildTarget, ...range]];
  if (o.pgo) commands.push(['nx', 'affected', '-t', o.pgoTarget, ...range]);
  if ((o.gate ?? 'same-job') === 'same-job') {
    // static: Nx hides a successful task's output otherwise, and the log is where a reviewer reads the per-round progress.
    commands.push(['nx', 'affected', '-t', o.benchTarget, ...range, '--parallel=1', '--output-style=static', `--compareRef=${base}`, `--failOnRegression=${o.failOnRegression}`, ...metricArgs(o)]);
    return commands;
  }
  commands.push([
    'nx',
    'affected',
    '-t',
    o.benchTarget,
    ...range,
    `--baseline=${BASELINE_DIR}/{projectName}/summary.json`,
    '--baselineMissingOk',
    '--parallel=1',
    '--output-style=static',
    `--failOnRegression=${o.failOnRegression}`,
    ...metricArgs(o),
  ]);
  return commands;
}

/**
 * One argument for a `run:` line (bash). Words with a variable ($NX_BASE, $RUNNER_TEMP, an Actions
 * `${{ }}` expression) are double-quoted so they expand as one word (shellcheck's SC2086); other
 * words bash would interpret are single-quoted.
 */
export function shellWord(a: string): string {
  if (/^[\w@%+=:,./-]+$/.test(a)) return a;
  if (a.includes('$')) return `"${a.replace(/["\\`]/g, '\\$&')}"`;
  return `'${a.replace(/'/g, `'\\''`)}'`;
}

/** A `run:` line: the package manager's way to start the tool, then the quoted arguments. */
export function shellLine(prefix: string, argv: readonly string[]): string {
  return [prefix, ...argv.map(shellWord)].join(' ');
}

/** A `run:` line for an nx argv (argv[0] is "nx"): started the way the repository starts Nx. */
function nxLine(pm: PackageManagerSteps, argv: readonly string[]): string {
  return shellLine(pm.nx, argv.slice(1));
}

export function workflowObject(o: WorkflowOptions): Record<string, unknown> {
  const pm = o.packageManager ?? NPM_WITH_LOCK;
  const [build, ...rest] = affectedCommands(o, '$NX_BASE', '$NX_HEAD');
  const bench = rest[rest.length - 1];
  const pgo = o.pgo ? rest[0] : undefined;
  const prefixes = (o.cargoRoots && o.cargoRoots.length > 0 ? o.cargoRoots : [o.cargoRoot]).map((r) => (r === '.' || r === '' ? '' : `${r}/`));
  const checkout: Record<string, unknown>[] = [{ uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } }];
  const toolchain: Record<string, unknown>[] = [
    { uses: 'dtolnay/rust-toolchain@stable' },
    {
      name: 'Toolchain identity',
      id: 'toolchain',
      run: 'echo "rustc=$(rustc -vV | sha256sum | cut -c1-16)" >> "$GITHUB_OUTPUT"\necho "llvm=$(rustc -vV | sed -n \'s/^LLVM version: \\([0-9]*\\).*/\\1/p\')" >> "$GITHUB_OUTPUT"',
    },
    {
      name: 'Cache cargo registry and target dir',
      uses: 'actions/cache@v4',
      with: {
        // ~/.cache/rust-perf/tools: inferno, installed once when a flamegraph is first drawn.
        path: ['~/.cargo/registry', '~/.cargo/git', '~/.cache/rust-perf/tools', ...prefixes.map((p) => `${p}target`)].join('\n'),
        key: `cargo-\${{ runner.os }}-\${{ steps.toolchain.outputs.rustc }}-\${{ hashFiles(${prefixes.map((p) => `'${p}Cargo.lock'`).join(', ')}) }}`,
        'restore-keys': `cargo-\${{ runner.os }}-\${{ steps.toolchain.outputs.rustc }}-`,
      },
    },
  ];
  if (o.pgo) {
    toolchain.push({
      name: 'Install llvm-profdata matching rustc (and perf)',
      run: 'sudo apt-get update -qq\nsudo apt-get install -y -qq "llvm-${{ steps.toolchain.outputs.llvm }}" linux-tools-common linux-tools-generic',
    });
  }
  // A committed -fuse-ld=<linker> fails every link on a runner without it.
  const linkers = (o.linkers ?? []).filter((l) => /^[\w.+-]+$/.test(l));
  if (linkers.length > 0) {
    toolchain.push({ name: `Install the linker .cargo/config.toml names (${linkers.join(', ')})`, run: `sudo apt-get update -qq\nsudo apt-get install -y -qq ${linkers.join(' ')}` });
  }
  const crossRun = o.gate === 'cross-run';
  if (!crossRun) {
    // The same-job gate counts instructions under cachegrind first (without valgrind wall time decides);
    // perf records regressed benchmarks for their differential flamegraphs (without it they are skipped).
    toolchain.push({
      name: 'Install valgrind and perf (counted work for the gate, differential flamegraphs of regressions)',
      run: [
        'sudo apt-get update -qq',
        'sudo apt-get install -y -qq valgrind',
        'sudo apt-get install -y -qq linux-tools-common "linux-tools-$(uname -r)" || echo "::warning::no perf for kernel $(uname -r): regressions get no differential flamegraph"',
        'sudo sysctl -w kernel.perf_event_paranoid=1',
      ].join('\n'),
    });
  } else if (o.metric === 'instructions') {
    // --metric=instructions counts under callgrind: without valgrind every bench fails.
    toolchain.push({ name: 'Install valgrind (the benches count instructions under callgrind)', run: 'sudo apt-get update -qq\nsudo apt-get install -y -qq valgrind' });
  }
  const nxSetup: Record<string, unknown>[] = [...pm.node, ...pm.install, { uses: 'nrwl/nx-set-shas@v4', with: { 'main-branch-name': o.mainBranch } }];
  const steps: Record<string, unknown>[] = [...checkout, ...toolchain, ...nxSetup];
  if (crossRun) {
    steps.push({
      name: `Restore the ${o.mainBranch} branch's benchmark summaries (cross-run baseline: measured by an earlier run, maybe on other hardware)`,
      uses: 'actions/cache/restore@v4',
      with: { path: BASELINE_DIR, key: `bench-baseline-\${{ runner.os }}-\${{ github.sha }}`, 'restore-keys': `bench-baseline-\${{ runner.os }}-` },
    });
  }
  steps.push({ name: 'Build affected crates', run: nxLine(pm, build) });
  if (pgo) steps.push({ name: 'PGO builds of affected crates', run: nxLine(pm, pgo) });
  const counted = o.metric === 'instructions' ? ', counted instructions' : '';
  steps.push(
    crossRun
      ? { name: `Benchmarks of affected crates (regression gate against the cross-run baseline${counted})`, run: nxLine(pm, bench) }
      : { name: `Benchmarks of affected crates (regression gate: base and head measured in this job${counted})`, run: nxLine(pm, bench) },
    {
      name: 'Benchmark table',
      if: 'always()',
      run: 'for f in dist/bench/*/summary.md; do [ -f "$f" ] && cat "$f" >> "$GITHUB_STEP_SUMMARY"; done; true',
    },
  );
  const onDefaultPush = pushToDefault(o.mainBranch);
  if (crossRun) steps.push(
    {
      name: 'Keep summaries as the next baseline',
      if: onDefaultPush,
      run: `for d in dist/bench/*/; do p=$(basename "$d"); mkdir -p "${BASELINE_DIR}/$p"; cp "$d/summary.json" "${BASELINE_DIR}/$p/" 2>/dev/null || true; done`,
    },
    {
      name: 'Save baseline',
      if: onDefaultPush,
      uses: 'actions/cache/save@v4',
      with: { path: BASELINE_DIR, key: `bench-baseline-\${{ runner.os }}-\${{ github.sha }}` },
    },
  );
  steps.push(
    {
      name: 'Upload benchmark summaries and flamegraphs (same-job: differential flamegraphs of regressed benchmarks in dist/bench/<project>/diff)',
      if: 'always()',
      uses: 'actions/upload-artifact@v4',
      with: { name: 'rust-perf', path: 'dist/bench\ndist/flamegraph', 'if-no-files-found': 'ignore' },
    },
  );
  const on = { pull_request: {}, push: { branches: [o.mainBranch] } };
  const permissions = { contents: 'read', actions: 'read' };
  if ((o.shards ?? 1) > 1) {
    return { name: o.name, on, permissions, jobs: shardedJobs({ ...o, shards: o.shards ?? 1, benchCiTarget: o.benchCiTarget ?? 'bench-ci' }, { checkout, toolchain, npm: nxSetup, pm }, shellWord) };
  }
  return {
    name: o.name,
    on,
    permissions,
    jobs: { perf: { 'runs-on': 'ubuntu-latest', env: remoteCacheEnv(o.mainBranch), steps } },
  };
}


const MARK = '# Generated by rust-perf:ci-workflow. Edits are kept: the generator refuses to overwrite them without --force.';

function digest(body: string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 16);
}

/** The file text: a header recording the digest of the body, so hand edits can be told apart. */
export function renderWorkflow(o: WorkflowOptions): string {
  const body = stringify(workflowObject(o), { lineWidth: 0 });
  return `${MARK}\n# rust-perf-digest: ${digest(body)}\n${body}`;
}

export type ExistingWorkflow = 'absent' | 'generated' | 'edited';

export function classifyExisting(text: string | null): ExistingWorkflow {
  if (text === null) return 'absent';
  const m = /^# rust-perf-digest: ([0-9a-f]{16})\n/m.exec(text);
  if (!m || !text.startsWith(MARK)) return 'edited';
  const body = text.slice(m.index + m[0].length);
  return digest(body) === m[1] ? 'generated' : 'edited';
}

/** Parses the YAML back; used to validate before writing. */
export function parseWorkflow(text: string): unknown {
  return parse(text);
}
