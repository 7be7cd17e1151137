// The one process runner. Every child process of rust-perf starts here, from an argv array:
// no shell, so names and arguments with spaces, quotes, `;` or `$(…)` reach the program as written.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

export interface RunOptions {
  cwd: string;
  /** Added to (not replacing) the parent environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Show the child's output live (cargo's progress) while still capturing it; 'stderr' shows only stderr (e.g. when stdout is cargo's JSON). */
  echo?: boolean | 'stderr';
  /** End the child gracefully after this long: SIGINT, then SIGTERM, then SIGKILL. */
  timeoutMs?: number;
  /** Time between the escalation signals. */
  graceMs?: number;
  input?: string;
  /** Called with each whole line of stdout and stderr as it arrives (e.g. to report a benchmark as it finishes). */
  onLine?: (line: string) => void;
  /** Called with the child's pid once it has started (e.g. to sample /proc/<pid>/status). */
  onSpawn?: (pid: number) => void;
  /**
   * Start the child in a process group of its own, and send forwarded signals and the timeout's signals to
   * the whole group: a child that starts others (npx → nx → cargo → the bench) stops with all of them.
   */
  killGroup?: boolean;
}

export interface RunResult {
  command: string;
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

export class ToolNotFoundError extends Error {
  constructor(
    readonly tool: string,
    readonly fix: string,
  ) {
    super(`${tool} was not found on PATH. Fix: ${fix}`);
    this.name = 'ToolNotFoundError';
  }
}

const FIXES: Record<string, string> = {
  cargo: 'install Rust with rustup (rustup toolchain install stable) and make sure ~/.cargo/bin is on PATH',
  rustc: 'install Rust with rustup (rustup toolchain install stable) and make sure ~/.cargo/bin is on PATH',
  perf: 'apt-get install linux-perf (Debian) or apt-get install linux-tools-$(uname -r) (Ubuntu)',
  mold: 'apt-get install mold',
  objdump: 'apt-get install binutils',
  git: 'apt-get install git',
};

export function fixFor(tool: string): string {
  const base = tool.split('/').pop() ?? tool;
  if (base.startsWith('llvm-profdata')) return 'apt-get install llvm-<major> with <major> = the LLVM major of `rustc -vV`, or rustup component add llvm-tools';
  if (base.startsWith('inferno-')) return 'cargo install inferno';
  return FIXES[base] ?? `install ${base} and make sure it is on PATH`;
}

/** Renders argv for messages only; it is never executed. */
export function describeCommand(file: string, args: readonly string[]): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return [file, ...args].map(quote).join(' ');
}

/** Runs a program and resolves with its result (non-zero exits resolve too; callers decide). */
export async function run(file: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const started = Date.now();
  // spawn reports a missing cwd as ENOENT, which would read as "program not found".
  if (!fs.existsSync(options.cwd)) throw new Error(`cannot run ${describeCommand(file, args)}: the working directory ${options.cwd} does not exist`);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  // node:child_process directly, not a wrapper library: every executor starts here, and a wrapper's
  // module tree cost more to load than the runner itself does.
  const child = spawn(file, [...args], {
    cwd: options.cwd,
    env,
    shell: false,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    detached: options.killGroup === true,
  });
  const kill = (signal: NodeJS.Signals) => {
    if (options.killGroup && child.pid !== undefined) {
      try {
        process.kill(-child.pid, signal);
        return;
      } catch {
        // the group is gone already: fall back to the child itself
      }
    }
    child.kill(signal);
  };
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (c: Buffer) => out.push(c));
  child.stderr?.on('data', (c: Buffer) => err.push(c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: NodeJS.ErrnoException }>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ code: null, signal: null, error }));
    // 'close', not 'exit': the pipes are drained by then, so stdout and stderr are whole.
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  if (options.input !== undefined && child.stdin) {
    // A child that exits without reading its input must not crash us with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input);
  }
  if (options.onSpawn && child.pid !== undefined) options.onSpawn(child.pid);
  // Whole lines only: Nx forwards each chunk of an executor's output on its own line, which would split
  // cargo's `error[E0308]: …` wherever a pipe read happened to end.
  const flushers: Array<() => void> = [];
  const echoLines = (from: NodeJS.ReadableStream | null, to: NodeJS.WriteStream) => {
    if (!from) return;
    let pending = '';
    from.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const end = pending.lastIndexOf('\n');
      if (end === -1) return;
      to.write(pending.slice(0, end + 1));
      pending = pending.slice(end + 1);
    });
    flushers.push(() => pending && to.write(pending));
  };
  if (options.onLine) {
    const onLine = options.onLine;
    for (const from of [child.stdout, child.stderr]) {
      if (!from) continue;
      let pending = '';
      from.on('data', (chunk: Buffer) => {
        pending += chunk.toString();
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const l of lines) onLine(l);
      });
      flushers.push(() => pending && onLine(pending));
    }
  }
  if (options.echo === true) echoLines(child.stdout, process.stdout);
  if (options.echo) echoLines(child.stderr, process.stderr);
  // Ctrl-C on our process must reach the child, so cargo and the workload stop cleanly.
  const forward = (signal: NodeJS.Signals) => () => {
    kill(signal);
    // A child that ignores SIGTERM is killed after a grace period rather than left behind.
    if (signal === 'SIGTERM') setTimeout(() => kill('SIGKILL'), 5000).unref();
  };
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  let timedOut = false;
  const timers: NodeJS.Timeout[] = [];
  if (options.timeoutMs !== undefined) {
    const grace = options.graceMs ?? 5000;
    timers.push(
      setTimeout(() => {
        timedOut = true;
        kill('SIGINT');
        timers.push(setTimeout(() => kill('SIGTERM'), grace));
        timers.push(setTimeout(() => kill('SIGKILL'), 2 * grace));
      }, options.timeoutMs),
    );
  }
  try {
    const result = await exited;
    for (const flush of flushers) flush();
    if (result.error?.code === 'ENOENT') throw new ToolNotFoundError(file, fixFor(file));
    const stderr = Buffer.concat(err).toString();
    return {
      command: describeCommand(file, args),
      exitCode: result.code,
      signal: result.signal ?? null,
      stdout: Buffer.concat(out).toString(),
      // A program that could not start (EACCES, …) says why where its errors would be.
      stderr: result.error ? `${stderr}${result.error.message}\n` : stderr,
      timedOut,
      durationMs: Date.now() - started,
    };
  } finally {
    for (const t of timers) clearTimeout(t);
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

export class CommandFailedError extends Error {
  constructor(readonly result: RunResult, hint?: string) {
    const how = result.signal ? `was ended by ${result.signal}` : `exited with code ${result.exitCode}`;
    super(`\`${result.command}\` ${how}${hint ? `. ${hint}` : ''}`);
    this.name = 'CommandFailedError';
  }
}

/** Like run, but a non-zero exit or a signal is an error carrying the result. */
export async function runChecked(file: string, args: readonly string[], options: RunOptions & { hint?: string }): Promise<RunResult> {
  const result = await run(file, args, options);
  if (result.exitCode !== 0) throw new CommandFailedError(result, options.hint);
  return result;
}

/** Whether a process with this pid exists (EPERM: it exists, but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
