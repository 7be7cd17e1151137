import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../../process/run';
import { comparedRefsFile, comparedRefsKey, isCommitId, readComparedRefs, recordComparedRef, resolveComparedRefs, withComparedRef } from './compare-refs';

describe('the compared refs in the atomized benches\' cache key', () => {
  it('records symbolic refs once, sorted; a full commit id names itself and is not recorded', () => {
    expect(isCommitId('a'.repeat(40))).toBe(true);
    expect(isCommitId('HEAD~1')).toBe(false);
    expect(withComparedRef(['origin/main'], 'main')).toEqual(['main', 'origin/main']);
    expect(withComparedRef(['main'], 'main')).toEqual(['main']);
    expect(withComparedRef([], 'b'.repeat(40))).toEqual([]);
    // Relative to HEAD: moves with every commit, so it is not recorded (it would rerun every bench on every commit).
    for (const ref of ['HEAD', 'HEAD~1', 'HEAD^', '@~2', 'HEAD^2~1']) expect([ref, withComparedRef([], ref)]).toEqual([ref, []]);
    expect(withComparedRef([], 'HEADS/main')).toEqual(['HEADS/main']);
    expect(comparedRefsKey([])).toBe('no symbolic compareRef recorded');
    expect(comparedRefsKey([{ ref: 'main', commit: 'c'.repeat(40) }, { ref: 'gone' }])).toBe(`main ${'c'.repeat(40)}\ngone missing`);
  });

  it('prints the commit a recorded ref names now, so moving the ref changes the key (real git)', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'compare-refs-'));
    const git = async (...args: string[]) => (await run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd: root })).stdout.trim();
    await git('init', '-q');
    fs.writeFileSync(path.join(root, 'a'), '1');
    await git('add', 'a');
    await git('commit', '-qm', 'one');
    fs.writeFileSync(path.join(root, 'a'), '2');
    await git('commit', '-qam', 'two');
    await git('branch', '-f', 'gate-base', 'HEAD');
    const env = { NX_WORKSPACE_DATA_DIRECTORY: undefined, NX_PROJECT_GRAPH_CACHE_DIRECTORY: undefined } as NodeJS.ProcessEnv;
    const file = comparedRefsFile(root, env);
    expect(file).toBe(path.join(root, '.nx', 'workspace-data', 'rust-perf-compare', 'compared-refs.json'));
    expect(await resolveComparedRefs(root, env)).toBe('no symbolic compareRef recorded');
    expect(recordComparedRef(file, 'gate-base')).toBe(true);
    expect(recordComparedRef(file, 'gate-base')).toBe(false);
    expect(readComparedRefs(file)).toEqual(['gate-base']);
    const onHead = await resolveComparedRefs(root, env);
    expect(onHead).toBe(`gate-base ${await git('rev-parse', 'HEAD')}`);
    await git('branch', '-f', 'gate-base', 'HEAD~1');
    const onParent = await resolveComparedRefs(root, env);
    expect(onParent).toBe(`gate-base ${await git('rev-parse', 'HEAD~1')}`);
    expect(onParent).not.toBe(onHead);
    fs.writeFileSync(file, '{ broken');
    expect(readComparedRefs(file)).toEqual([]);
    fs.rmSync(root, { recursive: true, force: true });
  });
});
