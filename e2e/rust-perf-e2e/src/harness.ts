// e2e harness: a fresh Nx workspace per test, with the plugin installed from `npm pack` of the built
// package (never from the source tree), the example trading workspace copied in, and nx/cargo
// driven as a user would. One CARGO_TARGET_DIR is shared across cases to keep CI time down; Nx
// caches are never shared (each workspace has its own .nx).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { WorkflowOptions } from '../../../packages/rust-perf/src/core/ci/workflow-options';
import { run, type RunResult } from '../../../packages/rust-perf/src/core/process/run';

// Found by walking up, so the compiled copy the demo runs (e2e/rust-perf-e2e/dist/…) finds it too.
function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'packages', 'rust-perf', 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no rust-perf repository above ${start}`);
  }
}

export const repoRoot = findRepoRoot(__dirname);
export const pluginDir = path.join(repoRoot, 'packages/rust-perf');
export const exampleDir = path.join(repoRoot, 'examples/trading-desk');
export const e2eRoot = process.env.RUST_PERF_E2E_DIR ?? path.join(os.tmpdir(), 'rust-perf-e2e');
export const sharedTargetDir = path.join(e2eRoot, 'cargo-target');
export const DEFAULT_NX_VERSION = '24.0.6';

const verbose = process.env.E2E_VERBOSE === '1';

export interface ExecOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  allowFailure?: boolean;
  timeoutMs?: number;
}

export interface TestWorkspace {
  root: string;
  cargoRoot: string;
  nx(args: string[], options?: ExecOptions): Promise<RunResult>;
  exec(file: string, args: string[], options?: ExecOptions): Promise<RunResult>;
  read(rel: string): string;
  write(rel: string, text: string): void;
  exists(rel: string): boolean;
  cleanup(): void;
}

export interface WorkspaceOptions {
  /** Copy examples/trading-desk into the workspace (default true). */
  example?: boolean;
  /** Add "rust-perf" to nx.json plugins without running init (default false). */
  registerPlugin?: boolean;
  /** Run `nx g rust-perf:init --deps` (default false): the example is a trading system, so it takes the low-latency set. */
  init?: boolean;
  /** Extra init options, e.g. ['--cpu=none']. */
  initArgs?: string[];
  nxVersion?: string;
  /** Share one cargo target dir across cases (default true). */
  sharedTarget?: boolean;
  /** A name for the temp folder; may contain spaces. */
  name?: string;
}

function templateDir(nxVersion: string): string {
  return path.join(e2eRoot, `template-nx-${nxVersion}`);
}

function tarballPath(): string {
  return path.join(e2eRoot, 'rust-perf.tgz');
}

export async function must(file: string, args: string[], cwd: string, env?: Record<string, string | undefined>): Promise<RunResult> {
  const result = await run(file, args, { cwd, env, echo: verbose });
  if (result.exitCode !== 0) {
    throw new Error(`${result.command} (in ${cwd}) exited with ${result.exitCode ?? result.signal}\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

/** Packs the built plugin and installs it with Nx into a template workspace (once per version and tarball). */
export async function prepareTemplate(nxVersion = DEFAULT_NX_VERSION): Promise<string> {
  fs.mkdirSync(e2eRoot, { recursive: true });
  if (!fs.existsSync(path.join(pluginDir, 'dist', 'index.js'))) {
    throw new Error('packages/rust-perf/dist is missing: run `npm run build` first (npm run test:e2e does).');
  }
  const packed = await must('npm', ['pack', '--json', '--pack-destination', e2eRoot], pluginDir);
  const filename = (JSON.parse(packed.stdout) as Array<{ filename: string }>)[0].filename;
  const tarball = tarballPath();
  fs.renameSync(path.join(e2eRoot, filename), tarball);

  const template = templateDir(nxVersion);
  const stamp = path.join(template, '.rust-perf-tarball-sha');
  const sha = (await must('sha256sum', [tarball], e2eRoot)).stdout.split(' ')[0];
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === sha) return template;

  fs.rmSync(template, { recursive: true, force: true });
  fs.mkdirSync(template, { recursive: true });
  fs.writeFileSync(
    path.join(template, 'package.json'),
    JSON.stringify({ name: 'trading-repo', version: '0.0.0', private: true, license: 'UNLICENSED' }, null, 2) + '\n',
  );
  fs.writeFileSync(path.join(template, 'nx.json'), JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json' }, null, 2) + '\n');
  fs.writeFileSync(path.join(template, '.gitignore'), 'node_modules\n.nx\ndist\ntarget\n');
  const major = Number(nxVersion.split('.')[0]);
  // @nx/devkit must match the workspace's Nx major (devkit 24 peers nx >= 23).
  const devkit = major >= 24 ? [] : [`@nx/devkit@${nxVersion}`];
  await must('npm', ['install', '--no-audit', '--no-fund', '--save-dev', `nx@${nxVersion}`, ...devkit, tarball], template);
  fs.writeFileSync(stamp, sha);
  return template;
}

export function nxEnv(extra?: Record<string, string | undefined>, sharedTarget = true): Record<string, string | undefined> {
  return {
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_INTERACTIVE: 'false',
    NX_TUI: 'false',
    NX_SKIP_VERSION_CHECK: 'true',
    CARGO_TERM_COLOR: 'never',
    FORCE_COLOR: '0',
    CARGO_TARGET_DIR: sharedTarget ? sharedTargetDir : undefined,
    ...extra,
  };
}

export async function createWorkspace(options: WorkspaceOptions = {}): Promise<TestWorkspace> {
  const nxVersion = options.nxVersion ?? DEFAULT_NX_VERSION;
  const template = await prepareTemplate(nxVersion);
  const parent = fs.mkdtempSync(path.join(e2eRoot, 'ws-'));
  const root = path.join(parent, options.name ?? 'trading-repo');
  await must('cp', ['-a', template, root], e2eRoot);
  if (options.example ?? true) {
    await must('cp', ['-a', `${exampleDir}/.`, root], e2eRoot);
    fs.rmSync(path.join(root, 'rust', 'target'), { recursive: true, force: true });
  }
  if (options.registerPlugin) {
    const nxJsonPath = path.join(root, 'nx.json');
    const nxJson = JSON.parse(fs.readFileSync(nxJsonPath, 'utf8')) as { plugins?: unknown[] };
    nxJson.plugins = [...(nxJson.plugins ?? []), 'rust-perf'];
    fs.writeFileSync(nxJsonPath, JSON.stringify(nxJson, null, 2) + '\n');
  }
  const sharedTarget = options.sharedTarget ?? true;
  const ws: TestWorkspace = {
    root,
    cargoRoot: path.join(root, 'rust'),
    async exec(file, args, opts = {}) {
      const result = await run(file, args, {
        cwd: opts.cwd ?? root,
        env: nxEnv(opts.env, sharedTarget),
        echo: verbose,
        timeoutMs: opts.timeoutMs,
      });
      if (result.exitCode !== 0 && !opts.allowFailure) {
        throw new Error(`${result.command} exited with ${result.exitCode ?? result.signal}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
      }
      return result;
    },
    nx(args, opts = {}) {
      return ws.exec(path.join(root, 'node_modules', '.bin', 'nx'), args, opts);
    },
    read: (rel) => fs.readFileSync(path.join(root, rel), 'utf8'),
    write: (rel, text) => {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    },
    exists: (rel) => fs.existsSync(path.join(root, rel)),
    cleanup: () => {
      if (process.env.E2E_KEEP !== '1') fs.rmSync(parent, { recursive: true, force: true });
    },
  };
  await ws.exec('git', ['init', '-q', '-b', 'main']);
  await ws.exec('git', ['add', '-A']);
  await ws.exec('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.invalid', 'commit', '-qm', 'initial']);
  if (options.init) await ws.nx(['g', 'rust-perf:init', '--deps', '--no-interactive', ...(options.initArgs ?? [])]);
  return ws;
}

/** Commits the current state so later `nx affected` calls have a base. */
/** What rust-perf:ci-workflow derives for the example workspace (Cargo workspace in rust/, the inferred target names, no PGO). */
export function exampleWorkflow(o: Pick<WorkflowOptions, 'failOnRegression'>): WorkflowOptions {
  return { name: 'perf', mainBranch: 'main', pgo: false, nodeVersion: '20', cargoRoot: 'rust', buildTarget: 'build-release', benchTarget: 'bench', pgoTarget: 'build-pgo', ...o };
}

export async function commitAll(ws: TestWorkspace, message: string): Promise<void> {
  await ws.exec('git', ['add', '-A']);
  await ws.exec('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.invalid', 'commit', '-qm', message, '--allow-empty']);
}

/** Nx restored `task` (`project:target`) from its cache: `[local cache]` or `[existing outputs match the cache, left as is]`. */
export const cacheHit = (out: string, task: string): boolean => new RegExp(`nx run ${task}[^\\n]*(local cache|existing outputs match the cache)`).test(out);
/** Nx ran `task` for real (its `nx run` line carries no cache note). */
export const ranTask = (out: string, task: string): boolean => new RegExp(`nx run ${task}(?![^\\n]*(local cache|existing outputs))`).test(out);
