import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hugeShare, kernelRoots, largerHugeSample, parseBracketed, parseSmapsRollup, readHugePageFacts } from './hugepages';
import { hugePageChecks, sourceAllocatorPlan } from '../doctor/huge-pages';
import { linkedAllocator, parseGlibcVersion, thpPlan } from './thp-env';
import { renderChecks } from '../doctor/checks';
import { faultsAndTlb, prepareThp } from './thp-run';
import { watchHugePages } from './watch';
import { run } from '../process/run';
import { hasHardwareCounters } from '../count/count';
import { whichSync } from '../toolchain/cache';

const fixtures = path.join(__dirname, '__fixtures__');
const rootsOf = (name: string) => kernelRoots({ RUST_PERF_SYSFS: path.join(fixtures, name, 'sys'), RUST_PERF_PROCFS: path.join(fixtures, name, 'proc') });
const fixture = (name: string) => fs.readFileSync(path.join(fixtures, name), 'utf8');

describe('THP and hugetlb facts from /sys and /proc', () => {
  it('reads this VM: THP madvise, defrag madvise, 2 MiB pages, an empty pool', () => {
    expect(readHugePageFacts(rootsOf('host-madvise'))).toEqual({
      thp: { enabled: 'madvise', defrag: 'madvise', pmdKiB: 2048 },
      pool: { nrHugepages: 0, total: 0, free: 0, reserved: 0, surplus: 0, pageKiB: 2048, memTotalKiB: expect.any(Number) },
    });
  });

  it('reads THP always with the guide\'s 1024-page pool', () => {
    const f = readHugePageFacts(rootsOf('host-always-reserved'));
    expect(f.thp?.enabled).toBe('always');
    expect(f.pool).toMatchObject({ nrHugepages: 1024, total: 1024, free: 960, reserved: 16 });
  });

  it('turns a container without /sys/kernel/mm into a reason, not an exception', () => {
    const f = readHugePageFacts(rootsOf('container-no-sys-mm'));
    expect(f.thp).toBeUndefined();
    expect(f.thpUnreadable).toMatch(/container-no-sys-mm\/sys\/kernel\/mm\/transparent_hugepage\/enabled is not readable \(a container/);
    expect(f.pool?.total).toBe(0);
    const none = readHugePageFacts({ sys: '/nonexistent/sys', proc: '/nonexistent/proc' });
    expect(none.poolUnreadable).toBe('/nonexistent/proc/meminfo is not readable');
  });

  it('parses the bracketed choice and refuses a line without one', () => {
    expect(parseBracketed('always defer defer+madvise [madvise] never\n')).toEqual({ selected: 'madvise', choices: ['always', 'defer', 'defer+madvise', 'madvise', 'never'] });
    expect(parseBracketed('always madvise never')).toBeUndefined();
  });

  it('defaults to / without the test variables', () => {
    expect(kernelRoots({})).toEqual({ sys: '/sys', proc: '/proc' });
  });
});

describe('smaps_rollup: the anonymous memory backed by huge pages', () => {
  it('reads jemalloc with and without thp:always (captured from market-data)', () => {
    const thp = parseSmapsRollup(fixture('smaps_rollup-jemalloc-thp.txt'))!;
    expect(thp).toEqual({ anonymousKiB: 14504, anonHugeKiB: 14336, rssKiB: 16968 });
    expect(hugeShare(thp)).toBeCloseTo(98.84, 1);
    const plain = parseSmapsRollup(fixture('smaps_rollup-jemalloc-default.txt'))!;
    expect(hugeShare(plain)).toBe(0);
    expect(parseSmapsRollup('Rss: 10 kB\n')).toBeUndefined();
  });

  it('keeps the sample with the most huge-page memory', () => {
    const a = { anonymousKiB: 100, anonHugeKiB: 0 };
    const b = { anonymousKiB: 4096, anonHugeKiB: 2048 };
    const c = { anonymousKiB: 8000, anonHugeKiB: 2048 };
    expect(largerHugeSample(largerHugeSample(largerHugeSample(undefined, a), b), a)).toBe(b);
    expect(largerHugeSample(b, c)).toBe(c);
    expect(hugeShare({ anonymousKiB: 0, anonHugeKiB: 0 })).toBe(0);
  });
});

describe('the per-process huge-page switch of the linked allocator', () => {
  const madvise = { enabled: 'madvise', defrag: 'madvise' };
  it('reads the allocator and its variable from the binary', () => {
    expect(linkedAllocator(Buffer.from('..<jemalloc>: Conf string ends with key.._RJEM_MALLOC_CONF..'))).toEqual({ kind: 'jemalloc', confVar: '_RJEM_MALLOC_CONF' });
    expect(linkedAllocator(Buffer.from('<jemalloc>: x MALLOC_CONF'))).toEqual({ kind: 'jemalloc', confVar: 'MALLOC_CONF' });
    expect(linkedAllocator(Buffer.from('mimalloc_\0mimalloc: \0allow_large_os_pages\0allow_thp\0'))).toEqual({ kind: 'mimalloc', option: 'MIMALLOC_ALLOW_LARGE_OS_PAGES', thpByDefault: true });
    expect(linkedAllocator(Buffer.from('mimalloc_ mimalloc: large_os_pages'))).toEqual({ kind: 'mimalloc', option: 'MIMALLOC_LARGE_OS_PAGES', thpByDefault: false });
    expect(linkedAllocator(Buffer.from('\0libc.so.6\0GLIBC_2.34'))).toEqual({ kind: 'system', libc: 'glibc' });
  });

  it('asks each allocator its own way, keeping the workload\'s own settings', () => {
    expect(thpPlan({ kind: 'jemalloc', confVar: '_RJEM_MALLOC_CONF' }, madvise, [2, 36])).toEqual({ applicable: true, env: { _RJEM_MALLOC_CONF: 'thp:always,metadata_thp:always' }, how: '_RJEM_MALLOC_CONF=thp:always,metadata_thp:always' });
    expect(thpPlan({ kind: 'jemalloc', confVar: 'MALLOC_CONF' }, madvise, undefined, { MALLOC_CONF: 'narenas:2' })).toMatchObject({ env: { MALLOC_CONF: 'narenas:2,thp:always,metadata_thp:always' } });
    expect(thpPlan({ kind: 'mimalloc', option: 'MIMALLOC_ALLOW_LARGE_OS_PAGES', thpByDefault: true }, madvise, undefined)).toMatchObject({ env: { MIMALLOC_ALLOW_LARGE_OS_PAGES: '1' } });
    expect(thpPlan({ kind: 'system', libc: 'glibc' }, madvise, [2, 36], { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' })).toMatchObject({ env: { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1' } });
  });

  it('says why when no switch exists', () => {
    expect(thpPlan({ kind: 'system', libc: 'glibc' }, madvise, [2, 31])).toEqual({ applicable: false, reason: expect.stringMatching(/^glibc 2\.31 has no glibc\.malloc\.hugetlb tunable \(since 2\.35\)/) });
    expect(thpPlan({ kind: 'system', libc: 'musl' }, madvise, undefined)).toEqual({ applicable: false, reason: expect.stringContaining('without glibc (musl)') });
    expect(thpPlan({ kind: 'jemalloc', confVar: 'MALLOC_CONF' }, { enabled: 'never' }, undefined)).toEqual({ applicable: false, reason: expect.stringContaining('THP is `never`') });
    expect(thpPlan({ kind: 'jemalloc', confVar: 'MALLOC_CONF' }, undefined, undefined)).toEqual({ applicable: false, reason: expect.stringContaining('not readable') });
    expect(parseGlibcVersion('glibc 2.36\n')).toEqual([2, 36]);
    expect(parseGlibcVersion('')).toBeUndefined();
  });
});

describe("doctor's huge-page section", () => {
  const allocators = [
    { package: 'market-data', bin: 'market-data', allocator: 'system allocator (no #[global_allocator])' },
    { package: 'execution-engine', bin: 'execution-engine', allocator: 'jemalloc (#[global_allocator] at execution-engine/src/main.rs:4)' },
  ];

  it('on this VM: THP madvise, the guide would reserve 2048 MiB for nothing, the switch per binary', () => {
    const checks = hugePageChecks(readHugePageFacts(rootsOf('host-madvise')), allocators);
    expect(checks.map((c) => [c.id, c.status])).toEqual([['thp', 'pass'], ['hugetlb-pool', 'pass'], ['huge-pages:market-data', 'pass'], ['huge-pages:execution-engine', 'pass']]);
    const text = renderChecks(checks);
    expect(text).toMatch(/THP enabled = madvise, defrag = madvise: anonymous memory gets 2 MiB pages only where the program asks/);
    expect(text).toMatch(/vm\.nr_hugepages = 0; HugePages_Total 0, Free 0, Rsvd 0 \(0 in use, 2 MiB each\); the guide's vm\.nr_hugepages=1024 would reserve 2048 MiB \(\d+ % of this machine's \d+ MiB\)/);
    expect(text).toContain('market-data/market-data: per process, no root: GLIBC_TUNABLES=glibc.malloc.hugetlb=1');
    expect(text).toContain('execution-engine/execution-engine: per process, no root: _RJEM_MALLOC_CONF=thp:always,metadata_thp:always');
  });

  it('[doctor-hugetlb-pool-unused] warns about a reserved pool nothing uses, with the command that frees it', () => {
    const facts = readHugePageFacts(rootsOf('host-always-reserved'));
    expect(hugePageChecks(facts, [])[1].status).toBe('pass'); // 64 pages in use
    facts.pool = { ...facts.pool!, free: 1024, reserved: 0 };
    expect(hugePageChecks(facts, [])[1]).toMatchObject({ status: 'warn', summary: expect.stringContaining('2048 MiB reserved and unused'), fix: expect.stringMatching(/^sudo sysctl vm\.nr_hugepages=0/) });
  });

  it('[doctor-thp-unreadable] in a container: notes, never a failure', () => {
    const checks = hugePageChecks(readHugePageFacts(rootsOf('container-no-sys-mm')), allocators.slice(0, 1));
    expect(checks[0]).toMatchObject({ id: 'thp', status: 'note', summary: expect.stringMatching(/^transparent huge pages unknown: .* is not readable/) });
    expect(checks.some((c) => c.status === 'fail' || c.status === 'warn')).toBe(false);
    expect(renderChecks(checks)).toMatch(/^note {2}thp/m);
  });

  it('THP never: the switches cannot help', () => {
    const checks = hugePageChecks(readHugePageFacts(rootsOf('host-never')), allocators.slice(0, 1));
    expect(checks[0].summary).toContain('no process gets 2 MiB pages');
    expect(checks[2]).toMatchObject({ status: 'note', summary: expect.stringContaining('THP is `never`') });
    expect(sourceAllocatorPlan('custom allocator my::Alloc', { enabled: 'madvise' })).toEqual({ applicable: false, reason: 'no per-process huge-page switch known for custom allocator my::Alloc' });
  });
});

describe('dTLB misses from perf stat', () => {
  it('[report-no-dtlb-counters] counts them where the machine has hardware counters, else says why (these VMs have none); page faults everywhere perf runs', async () => {
    const result = await faultsAndTlb([{ name: 'true', file: '/bin/true', args: [], cwd: '/' }], 2);
    if (!whichSync('perf')) return expect(result.dtlb).toEqual({ unavailable: expect.stringContaining('perf is not installed') });
    expect(result.pageFaults).toEqual({ byConfig: { true: { median: expect.any(Number), min: expect.any(Number), max: expect.any(Number), n: 2 } } });
    if (!(await hasHardwareCounters())) expect(result.dtlb).toEqual({ unavailable: expect.stringMatching(/^this machine has no hardware counters/) });
    else expect(result.dtlb).toEqual({ byConfig: { true: { loadMisses: expect.any(Number) } } });
  });
});

describe('watchHugePages on a real process', () => {
  it('samples the program by its name, and nothing of another program', async () => {
    const own = watchHugePages('/bin/sleep');
    const other = watchHugePages('/usr/bin/not-sleep');
    await run('/bin/sleep', ['0.3'], { cwd: '/', onSpawn: (pid) => (own.onSpawn(pid), other.onSpawn(pid)) });
    const sample = own.stop();
    expect(sample?.anonymousKiB).toBeGreaterThan(0);
    expect(sample!.anonHugeKiB).toBeLessThanOrEqual(sample!.anonymousKiB);
    expect(other.stop()).toBeUndefined();
  });
});

describe("prepareThp: perf-report's thp row from a real binary and the kernel's files", () => {
  let dir: string;
  let binary: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rust-perf-thp-'));
    fs.writeFileSync(path.join(dir, 'main.rs'), 'fn main() { let v: Vec<u8> = vec![1; 1 << 20]; println!("{}", v.len()); }\n');
    binary = path.join(dir, 'main');
    expect((await run('rustc', ['-O', '-o', binary, path.join(dir, 'main.rs')], { cwd: dir })).exitCode).toBe(0);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('THP madvise (this VM\'s files): a system-allocator binary gets glibc\'s switch, merged into the workload\'s own GLIBC_TUNABLES', async () => {
    const setup = await prepareThp(binary, { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, rootsOf('host-madvise'), dir);
    expect(setup.section).toEqual({ thp: 'enabled = madvise, defrag = madvise', allocator: "the system allocator (glibc's malloc)", asked: { how: 'GLIBC_TUNABLES=glibc.malloc.hugetlb=1' } });
    expect(setup.plan).toMatchObject({ applicable: true, env: { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1' } });
  });

  it('THP never, or no /sys/kernel/mm: not applicable, with the reason', async () => {
    expect((await prepareThp(binary, undefined, rootsOf('host-never'), dir)).section).toMatchObject({ thp: 'enabled = never, defrag = never', asked: { notApplicable: expect.stringMatching(/^THP is `never` on this machine/) } });
    expect((await prepareThp(binary, undefined, rootsOf('container-no-sys-mm'), dir)).section.thp).toMatch(/^unknown \(.*is not readable/);
  });
});
