// The base ref in the cache key of an atomized `bench--<name>` target. A verdict is about a pair of
// commits, but Nx keys a task on its inputs and its arguments: `--compareRef=main` stays the same text
// while `main` moves, so a cached "no change" would be replayed against a base it never measured.
// The gate records each symbolic ref it was asked to compare with; the target's runtime input
// (`rust-perf compare-refs`) prints the commit each recorded ref names now, so moving one changes the key.
// A full commit id (what the generated workflows pass, $NX_BASE) names itself and is not recorded.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../../fs/atomic';
import { run } from '../../process/run';
import { parseJson } from '../json';
import { workspaceDataDir } from './compare-git';

export const comparedRefsFile = (root: string, env: NodeJS.ProcessEnv = process.env): string => path.join(workspaceDataDir(root, env), 'rust-perf-compare', 'compared-refs.json');

/** A full commit id: it cannot move, so it needs no runtime input. */
export const isCommitId = (ref: string): boolean => /^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(ref);

/** The refs recorded so far; a missing or unreadable file is none (the key then says "none"). */
export function readComparedRefs(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  try {
    const data = parseJson(fs.readFileSync(file, 'utf8'), file) as { refs?: unknown };
    return Array.isArray(data?.refs) ? data.refs.filter((r): r is string => typeof r === 'string').sort() : [];
  } catch {
    return [];
  }
}

/**
 * A ref relative to HEAD (`HEAD`, `HEAD~1`, `@^`): its commit moves with every commit, so keying on it would
 * rerun every bench on every commit; the arguments and the crate's inputs key it as well as they can.
 */
export const isHeadRelative = (ref: string): boolean => /^(HEAD|@)([~^][0-9]*)*$/.test(ref);

/** The refs with `ref` added (sorted, each once); unchanged for a commit id or a ref relative to HEAD. */
export function withComparedRef(refs: readonly string[], ref: string): string[] {
  return isCommitId(ref) || isHeadRelative(ref) || refs.includes(ref) ? [...refs] : [...refs, ref].sort();
}

/** Records a symbolic ref the gate compared with (atomically); returns whether the file changed. */
export function recordComparedRef(file: string, ref: string): boolean {
  const refs = readComparedRefs(file);
  const next = withComparedRef(refs, ref);
  if (next.length === refs.length) return false;
  writeFileAtomic(file, JSON.stringify({ refs: next }, null, 2) + '\n');
  return true;
}

/** The key text: one `ref commit` line per recorded ref, the commit as git resolves it now ("missing" when it does not). */
export function comparedRefsKey(resolved: ReadonlyArray<{ ref: string; commit?: string }>): string {
  return resolved.length ? resolved.map((r) => `${r.ref} ${r.commit ?? 'missing'}`).join('\n') : 'no symbolic compareRef recorded';
}

/** Resolves every recorded ref with git, in `root`. */
export async function resolveComparedRefs(root: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const refs = readComparedRefs(comparedRefsFile(root, env));
  const resolved: Array<{ ref: string; commit?: string }> = [];
  for (const ref of refs) {
    const r = await run('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: root, env: { GIT_TERMINAL_PROMPT: '0' } });
    resolved.push({ ref, commit: r.exitCode === 0 ? r.stdout.trim() : undefined });
  }
  return comparedRefsKey(resolved);
}
