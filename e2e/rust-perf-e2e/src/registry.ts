// e2e: rust-perf installed the way users install it. A real local npm registry (Verdaccio, a
// devDependency of this repository) on a loopback port with a throwaway storage folder: it serves
// rust-perf only from what the test publishes and proxies everything else (nx, its dependencies)
// from the npm registry this machine uses. Publishing goes through the repository's own
// `nx release`, in a clone, so no version, tag or changelog lands in the real repository.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { run, type RunResult } from '../../../packages/rust-perf/src/core/process/run';
import { e2eRoot, exampleDir, must, nxEnv, repoRoot, type ExecOptions } from './harness';

const verbose = process.env.E2E_VERBOSE === '1';
const bin = (pkg: string, file: string) => path.join(repoRoot, 'node_modules', pkg, file);

export interface LocalRegistry {
  url: string;
  /** An npm userconfig with the registry and a publish token (for `nx release` only; users' workspaces get a plain .npmrc). */
  userconfig: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts Verdaccio in `dir` (config, storage, htpasswd all inside it) and adds a publishing user. */
export async function startRegistry(dir: string): Promise<LocalRegistry> {
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const uplink = (await must('npm', ['config', 'get', 'registry'], dir)).stdout.trim() || 'https://registry.npmjs.org/';
  const config = path.join(dir, 'config.yaml');
  fs.writeFileSync(
    config,
    [
      'storage: ./storage',
      'auth:',
      '  htpasswd:',
      '    file: ./htpasswd',
      '    max_users: 10',
      'uplinks:',
      '  npmjs:',
      `    url: ${uplink}`,
      '    timeout: 120s',
      'packages:',
      // No proxy: a rust-perf on the public registry never stands in for the one under test.
      "  'rust-perf':",
      '    access: $all',
      '    publish: $authenticated',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      '    proxy: npmjs',
      'log: { type: stdout, format: pretty, level: warn }',
      'max_body_size: 100mb',
      '',
    ].join('\n'),
  );
  let pid = 0;
  const exited = run(process.execPath, [bin('verdaccio', 'bin/verdaccio'), '--config', config, '--listen', `127.0.0.1:${port}`], {
    cwd: dir,
    echo: verbose,
    onSpawn: (p) => (pid = p),
  });
  let done: RunResult | null = null;
  void exited.then((r) => (done = r));
  const started = Date.now();
  for (;;) {
    if (done !== null) throw new Error(`verdaccio exited before it listened on ${url}:\n${(done as RunResult).stdout}\n${(done as RunResult).stderr}`);
    const up = await fetch(`${url}-/ping`).then((r) => r.ok, () => false);
    if (up) break;
    if (Date.now() - started > 60_000) throw new Error(`verdaccio did not answer on ${url}-/ping within 60 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const user = await fetch(`${url}-/user/org.couchdb.user:e2e`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'e2e', password: 'e2e-password-not-secret' }),
  });
  const { token } = (await user.json()) as { token?: string };
  if (!token) throw new Error(`verdaccio did not create the publishing user (HTTP ${user.status})`);
  const userconfig = path.join(dir, 'publish.npmrc');
  fs.writeFileSync(userconfig, `registry=${url}\n//127.0.0.1:${port}/:_authToken=${token}\n`);
  return {
    url,
    userconfig,
    async stop() {
      if (done === null && pid > 0) process.kill(pid, 'SIGTERM');
      await exited;
    },
  };
}

const gitEnv = { GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.invalid', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@example.invalid' };

export interface ReleaseClone {
  root: string;
  /** The commit holding this working tree (committed or not): what the test publishes as the current version. */
  head: string;
  git(args: string[]): Promise<RunResult>;
  /** `nx release <specifier> --yes`: version, changelog, commit, tag and publish to the registry. */
  release(specifier: string): Promise<RunResult>;
}

/** A clone of this repository with the working tree's uncommitted changes committed on top, sharing node_modules. */
export async function releaseClone(dir: string, registry: LocalRegistry): Promise<ReleaseClone> {
  const root = path.join(dir, 'rust-perf-repo');
  await must('git', ['clone', '-q', '--no-hardlinks', repoRoot, root], dir);
  const changed = (await must('git', ['ls-files', '-z', '--modified', '--others', '--exclude-standard'], repoRoot)).stdout.split('\0').filter(Boolean);
  for (const rel of changed) {
    const from = path.join(repoRoot, rel);
    const to = path.join(root, rel);
    if (fs.existsSync(from)) {
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(from, to);
    } else fs.rmSync(to, { force: true });
  }
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'));
  const git = (args: string[]) => must('git', args, root, gitEnv);
  await git(['add', '-A']);
  await git(['commit', '-qm', 'working tree under test', '--allow-empty']);
  const head = (await git(['rev-parse', 'HEAD'])).stdout.trim();
  return {
    root,
    head,
    git,
    release: (specifier) =>
      must(path.join(root, 'node_modules', '.bin', 'nx'), ['release', specifier, '--yes'], root, {
        ...nxEnv({ npm_config_userconfig: registry.userconfig, ...gitEnv }, false),
      }),
  };
}

export interface UserWorkspace {
  root: string;
  cargoRoot: string;
  /** Runs a program in the workspace (nx's env: no daemon, no cloud; the harness's shared CARGO_TARGET_DIR). */
  exec(file: string, args: string[], options?: ExecOptions): Promise<RunResult>;
  read(rel: string): string;
  write(rel: string, text: string): void;
  exists(rel: string): boolean;
}

/**
 * A fresh repository as a user has it before installing anything: a package.json, the files a
 * package manager reads its registry from, the example Cargo workspace under rust/, a git commit.
 * pnpm and yarn are on PATH (from this repository's devDependencies, as a user has them installed).
 */
export async function userWorkspace(parent: string, name: string, files: Record<string, string>): Promise<UserWorkspace> {
  const root = path.join(parent, name);
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name, version: '0.0.0', private: true, license: 'UNLICENSED' }, null, 2) + '\n');
  fs.writeFileSync(path.join(root, '.gitignore'), 'node_modules\n.nx\ndist\ntarget\n.yarn\n.pnp.*\n');
  for (const [rel, text] of Object.entries(files)) fs.writeFileSync(path.join(root, rel), text);
  await must('cp', ['-a', `${exampleDir}/.`, root], parent);
  fs.rmSync(path.join(root, 'rust', 'target'), { recursive: true, force: true });
  const toolBin = path.join(parent, 'bin');
  if (!fs.existsSync(toolBin)) {
    fs.mkdirSync(toolBin);
    fs.symlinkSync(bin('pnpm', 'bin/pnpm.cjs'), path.join(toolBin, 'pnpm'));
    fs.symlinkSync(bin('@yarnpkg/cli-dist', 'bin/yarn.js'), path.join(toolBin, 'yarn'));
  }
  const env = {
    PATH: `${toolBin}${path.delimiter}${process.env.PATH}`,
    // Package manager caches stay inside the run's throwaway folder.
    YARN_GLOBAL_FOLDER: path.join(parent, 'yarn-global'),
    YARN_ENABLE_TELEMETRY: '0',
    npm_config_cache: path.join(parent, 'npm-cache'),
    COREPACK_ENABLE_STRICT: '0',
  };
  const exec = async (file: string, args: string[], opts: ExecOptions = {}) => {
    const result = await run(file, args, { cwd: opts.cwd ?? root, env: nxEnv({ ...env, ...opts.env }), echo: verbose, timeoutMs: opts.timeoutMs });
    if (result.exitCode !== 0 && !opts.allowFailure) {
      throw new Error(`${result.command} (in ${root}) exited with ${result.exitCode ?? result.signal}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
    }
    return result;
  };
  await exec('git', ['init', '-q', '-b', 'main']);
  await exec('git', ['add', '-A']);
  await exec('git', ['commit', '-qm', 'initial'], { env: gitEnv });
  return {
    root,
    cargoRoot: path.join(root, 'rust'),
    exec,
    read: (rel) => fs.readFileSync(path.join(root, rel), 'utf8'),
    write: (rel, text) => fs.writeFileSync(path.join(root, rel), text),
    exists: (rel) => fs.existsSync(path.join(root, rel)),
  };
}

export const registryRoot = path.join(e2eRoot, 'registry');
export { gitEnv };
