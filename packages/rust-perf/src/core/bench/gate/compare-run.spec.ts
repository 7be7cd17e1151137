import * as fs from 'node:fs';
import * as path from 'node:path';
import { baseBenchNames, builtExecutables, compareOutputs, diffFlamegraphPlan, DIVAN_DIFF_NOTE, nothingCompared, taskSides } from './compare-run';
import type { BenchComparison } from './paired';

const jsonl = fs.readFileSync(path.join(__dirname, '__fixtures__', 'cargo-bench-no-run.jsonl'), 'utf8');
const comparison = (id: string, bench: string, verdict: BenchComparison['verdict']): BenchComparison => ({ id, bench, status: 'compared', metrics: [], verdict });

describe("the same-job gate's decisions", () => {
  it("lists the base's criterion benches only (harness = false in its manifest)", () => {
    const pkg = {
      name: 'md',
      manifest_path: '/w/md/Cargo.toml',
      targets: [
        { name: 'md', kind: ['lib'], src_path: '/w/md/src/lib.rs' },
        { name: 'crit', kind: ['bench'], src_path: '/w/md/benches/crit.rs' },
        { name: 'libtest', kind: ['bench'], src_path: '/w/md/benches/libtest.rs' },
      ],
    } as unknown as Parameters<typeof baseBenchNames>[0];
    expect(baseBenchNames(pkg, '[package]\nname = "md"\n\n[[bench]]\nname = "crit"\nharness = false\n')).toEqual(['crit']);
  });

  it('removes only benches this task asked for; a whole-crate task compares every bench', () => {
    expect(taskSides(['a', 'c'], ['a', 'b'], ['a', 'c'])).toEqual({ both: ['a'], added: ['c'], removed: [] });
    expect(taskSides(['a', 'c'], ['a', 'b'], undefined)).toEqual({ both: ['a'], added: ['c'], removed: ['b'] });
    expect(taskSides(['a'], ['a', 'b'], [])).toEqual({ both: ['a'], added: [], removed: ['b'] });
  });

  it("takes each asked bench's executable from cargo's messages, naming the ones cargo did not report", () => {
    const pkg = { name: 'md', manifest_path: '/w/md/Cargo.toml' };
    const ok = builtExecutables(jsonl, pkg, ['b']);
    expect(ok.ok && ok.executables.get('b')).toMatch(/^\/w\/target\/release\/deps\/b-[0-9a-f]+$/);
    expect(builtExecutables(jsonl, pkg, ['b', 'gone', 'also'])).toEqual({ ok: false, error: 'cargo reported no executable for bench(es) gone, also of md' });
  });

  it('fails an empty comparison only when a filter selected nothing', () => {
    expect(nothingCompared('^x$', 'rand', ['simd'])).toEqual({ error: 'no criterion results were produced for rand (does the filter "^x$" match any benchmark?).' });
    expect(nothingCompared(undefined, 'rand', ['simd', 'shuffle'])).toEqual({
      message: 'simd, shuffle: no benchmarks ran on either side (none are compiled in on this toolchain and these features); nothing to compare.',
    });
  });

  it('profiles criterion comparisons; divan regressions get a note instead', () => {
    const list = [comparison('c/x', 'crit', 'regressed'), comparison('d/x', 'dv', 'regressed'), comparison('d/y', 'dv', 'no significant change')];
    const plan = diffFlamegraphPlan(list, new Set(['dv']));
    expect(plan.profiled.map((c) => c.id)).toEqual(['c/x']);
    expect(plan.unprofiledRegressions.map((c) => c.id)).toEqual(['d/x']);
    expect(DIVAN_DIFF_NOTE).toBe('no differential flamegraph: divan benches are not profiled by the gate');
  });

  it("writes the run's header, benches and elapsed time to summary.json and the header to summary.md", () => {
    const run = { project: 'md', package: 'md', ref: 'main', baseCommit: 'a'.repeat(40), headCommit: 'b'.repeat(40), rounds: 0, rustc: 'rustc 1.95.0', benches: ['crit'], elapsedSeconds: 1.26 };
    const { summary, markdown } = compareOutputs(run, [], [], { failed: false, message: 'unchanged' }, '2026-01-01T00:00:00.000Z');
    expect(summary).toMatchObject({ project: 'md', rustc: 'rustc 1.95.0', benches: ['crit'], elapsedSeconds: 1.3, comparison: { ref: 'main', rounds: 0, cpu: null, verdict: 'pass', message: 'unchanged' } });
    expect(markdown).toMatch(/^# Benchmarks: md \(head vs main\)/);
    expect(markdown).toContain('unchanged');
  });
});
