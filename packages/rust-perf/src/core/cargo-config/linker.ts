// Proves a linker the user asked for (--linker mold|lld) before its flag is written to .cargo/config.toml: a real link of a
// tiny program with the flag, then the output must run and name the linker in its .comment section.
// Checked here: rustc 1.95 already links x86_64-unknown-linux-gnu with its bundled LLD
// (`readelf -p .comment` shows "Linker: LLD 22.1.2"), so `--linker lld` adds nothing on such hosts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, ToolNotFoundError } from '../process/run';
import type { Host } from '../rustflags/units';

/** default (and its old name system): rustc's own linker, no flag; mold, lld: a -fuse-ld flag proven by a test link. */
export type LinkerChoice = 'default' | 'mold' | 'lld' | 'system';

export interface LinkerDecision {
  /** Flags to write (empty: keep rustc's default). */
  flags: string[];
  /** One line for the user: what was chosen and why, or why nothing was added. */
  reason: string;
}

export interface RustcHost extends Host {
  triple: string;
}

/** Host triple and cfg arch/os from `rustc -vV` output. */
export function parseRustcHost(verbose: string): RustcHost {
  const triple = /^host:\s*(\S+)/m.exec(verbose)?.[1];
  if (!triple) throw new Error(`could not find "host:" in rustc -vV output:\n${verbose}`);
  const [archRaw] = triple.split('-');
  const arch = archRaw === 'i686' || archRaw === 'i586' ? 'x86' : archRaw.startsWith('arm') ? 'arm' : archRaw;
  const os = triple.includes('-linux') ? 'linux' : triple.includes('-darwin') ? 'macos' : triple.includes('-windows') ? 'windows' : triple.includes('-freebsd') ? 'freebsd' : (triple.split('-')[2] ?? 'unknown');
  return { triple, arch, os };
}

export async function rustcHost(cwd: string): Promise<RustcHost> {
  const r = await run('rustc', ['-vV'], { cwd });
  if (r.exitCode !== 0) throw new Error(`rustc -vV failed: ${r.stderr}`);
  return parseRustcHost(r.stdout);
}

async function onPath(tool: string, cwd: string): Promise<boolean> {
  try {
    await run(tool, ['--version'], { cwd, timeoutMs: 10_000 });
    return true;
  } catch (e) {
    if (e instanceof ToolNotFoundError) return false;
    throw e;
  }
}

/** Links `fn main` with rustc and the given flags; returns the .comment text, or the failure. */
export async function linkProbe(flags: readonly string[], cwd: string): Promise<{ ok: true; comment: string } | { ok: false; reason: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'rust-perf-link-'));
  try {
    writeFileSync(join(dir, 'main.rs'), 'fn main() { println!("linked"); }\n');
    const out = join(dir, 'probe');
    const r = await run('rustc', ['--edition', '2021', ...flags, 'main.rs', '-o', out], { cwd: dir, timeoutMs: 120_000 });
    if (r.exitCode !== 0) return { ok: false, reason: `rustc ${flags.join(' ')} failed to link: ${r.stderr.trim().split('\n').slice(-3).join(' ')}` };
    const ran = await run(out, [], { cwd });
    if (ran.exitCode !== 0 || ran.stdout.trim() !== 'linked') return { ok: false, reason: `the binary linked with ${flags.join(' ')} did not run` };
    // .comment holds NUL-separated producer strings ("mold 2.x", "Linker: LLD 22.1.2", "GCC: …").
    const bytes = readFileSync(out).toString('latin1');
    const comment = (bytes.match(/(?:Linker: LLD [\w.]+|mold [\w.]+|GNU gold[^\0]*|rustc version [^\0]+)/g) ?? []).join('; ');
    return { ok: true, comment };
  } catch (e) {
    if (e instanceof ToolNotFoundError) return { ok: false, reason: e.message };
    throw e;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Decides the linker flags for `choice`, proving any flag with a real link first. */
export async function decideLinker(choice: 'mold' | 'lld', host: RustcHost, cwd: string): Promise<LinkerDecision> {
  if (host.os !== 'linux') return { flags: [], reason: `linker: rustc default kept (-fuse-ld flags are only written for Linux hosts; host is ${host.triple})` };
  if (choice === 'lld') {
    const defaultLink = await linkProbe([], cwd);
    if (defaultLink.ok && defaultLink.comment.includes('LLD')) return { flags: [], reason: `linker: no flag added, rustc already links ${host.triple} with its bundled LLD (${defaultLink.comment.split('; ')[0]})` };
    const flags = ['-C', 'link-arg=-fuse-ld=lld'];
    const p = await linkProbe(flags, cwd);
    if (!p.ok || !p.comment.includes('LLD')) throw new Error(`--linker lld: ${p.ok ? 'the test link did not use lld' : p.reason}; nothing was written. Fix: apt-get install lld (brew install lld), or leave --linker out for rustc's own linker.`);
    return { flags, reason: 'linker: lld (proven by a test link; every machine building this repository needs lld)' };
  }
  if (!(await onPath('mold', cwd))) throw new Error("--linker mold: mold is not installed on this machine; nothing was written. Fix: apt-get install mold (brew install mold), or leave --linker out for rustc's own linker.");
  const flags = ['-C', 'link-arg=-fuse-ld=mold'];
  const p = await linkProbe(flags, cwd);
  if (!p.ok) throw new Error(`--linker mold: ${p.reason}; nothing was written.`);
  if (!p.comment.includes('mold')) throw new Error('--linker mold: the test link succeeded but the binary was not linked by mold; nothing was written.');
  return { flags, reason: `linker: mold (proven by a test link: ${p.comment.split('; ').find((c) => c.startsWith('mold')) ?? 'mold'}; every machine building this repository needs mold)` };
}
