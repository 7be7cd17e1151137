// Huge pages on this machine, as the kernel reports them: transparent huge pages (THP: the mode and
// defrag of /sys/kernel/mm/transparent_hugepage), the explicit hugetlb pool (vm.nr_hugepages and
// HugePages_* of /proc/meminfo), and a process's share of anonymous memory backed by huge pages
// (/proc/<pid>/smaps_rollup). Pure parsing; the readers take the roots of /sys and /proc so tests
// and containers can point them elsewhere.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** For tests (and odd containers): read /sys and /proc under these directories instead. */
export const SYSFS_ENV = 'RUST_PERF_SYSFS';
export const PROCFS_ENV = 'RUST_PERF_PROCFS';

export interface KernelRoots {
  sys: string;
  proc: string;
}

export function kernelRoots(env: NodeJS.ProcessEnv = process.env): KernelRoots {
  return { sys: env[SYSFS_ENV] || '/sys', proc: env[PROCFS_ENV] || '/proc' };
}

export const THP_DIR = 'kernel/mm/transparent_hugepage';

/** `always [madvise] never` → { selected: 'madvise', choices: [...] }; undefined when no choice is bracketed. */
export function parseBracketed(text: string): { selected: string; choices: string[] } | undefined {
  const choices = text.trim().split(/\s+/).filter(Boolean);
  const chosen = choices.find((c) => /^\[.+\]$/.test(c));
  if (!chosen) return undefined;
  return { selected: chosen.slice(1, -1), choices: choices.map((c) => c.replace(/^\[(.+)\]$/, '$1')) };
}

/** `Key:   123 kB` lines of /proc/meminfo (and smaps_rollup) → key → number (kB where the line says kB). */
export function parseKbLines(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_()0-9]+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (m) out.set(m[1], Number(m[2]));
  }
  return out;
}

export interface HugetlbPool {
  /** vm.nr_hugepages (the sysctl the guide sets), when /proc/sys/vm/nr_hugepages was readable. */
  nrHugepages?: number;
  total: number;
  free: number;
  reserved: number;
  surplus: number;
  /** Hugepagesize, KiB. */
  pageKiB: number;
  memTotalKiB?: number;
}

export interface HugePageFacts {
  thp?: { enabled: string; defrag?: string; pmdKiB?: number };
  /** Why THP could not be read (a container without /sys/kernel/mm, a kernel without THP). */
  thpUnreadable?: string;
  pool?: HugetlbPool;
  poolUnreadable?: string;
}

export type FileReader = (file: string) => string | null;

export function diskReader(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** Reads THP and the hugetlb pool; anything unreadable becomes a reason, never an exception. */
export function readHugePageFacts(roots: KernelRoots, read: FileReader = diskReader): HugePageFacts {
  const facts: HugePageFacts = {};
  const thpDir = path.join(roots.sys, THP_DIR);
  const enabledText = read(path.join(thpDir, 'enabled'));
  const enabled = enabledText === null ? undefined : parseBracketed(enabledText);
  if (enabled) {
    const defrag = read(path.join(thpDir, 'defrag'));
    const pmd = Number(read(path.join(thpDir, 'hpage_pmd_size'))?.trim());
    facts.thp = { enabled: enabled.selected, defrag: defrag === null ? undefined : parseBracketed(defrag)?.selected, ...(pmd > 0 ? { pmdKiB: pmd / 1024 } : {}) };
  } else {
    facts.thpUnreadable = enabledText === null ? `${path.join(thpDir, 'enabled')} is not readable (a container without /sys/kernel/mm, or a kernel built without THP)` : `${path.join(thpDir, 'enabled')} has no [selected] mode: ${enabledText.trim()}`;
  }
  const meminfoFile = path.join(roots.proc, 'meminfo');
  const meminfo = read(meminfoFile);
  const kb = meminfo === null ? undefined : parseKbLines(meminfo);
  if (kb?.has('HugePages_Total')) {
    const nr = Number(read(path.join(roots.proc, 'sys/vm/nr_hugepages'))?.trim());
    facts.pool = {
      ...(Number.isInteger(nr) && read(path.join(roots.proc, 'sys/vm/nr_hugepages')) !== null ? { nrHugepages: nr } : {}),
      total: kb.get('HugePages_Total')!,
      free: kb.get('HugePages_Free') ?? 0,
      reserved: kb.get('HugePages_Rsvd') ?? 0,
      surplus: kb.get('HugePages_Surp') ?? 0,
      pageKiB: kb.get('Hugepagesize') ?? 2048,
      ...(kb.has('MemTotal') ? { memTotalKiB: kb.get('MemTotal') } : {}),
    };
  } else {
    facts.poolUnreadable = meminfo === null ? `${meminfoFile} is not readable` : `${meminfoFile} has no HugePages_Total line (a kernel without hugetlbfs)`;
  }
  return facts;
}

export interface AnonymousMemory {
  /** Anonymous memory of the process (KiB). */
  anonymousKiB: number;
  /** The part of it mapped with transparent huge pages (KiB). */
  anonHugeKiB: number;
  rssKiB?: number;
}

/** /proc/<pid>/smaps_rollup → its anonymous memory and AnonHugePages; undefined when the fields are missing. */
export function parseSmapsRollup(text: string): AnonymousMemory | undefined {
  const kb = parseKbLines(text);
  const anonymousKiB = kb.get('Anonymous');
  const anonHugeKiB = kb.get('AnonHugePages');
  if (anonymousKiB === undefined || anonHugeKiB === undefined) return undefined;
  return { anonymousKiB, anonHugeKiB, ...(kb.has('Rss') ? { rssKiB: kb.get('Rss') } : {}) };
}

/** Of two samples, the one with more huge-page-backed memory (then more anonymous memory): the run's peak. */
export function largerHugeSample(a: AnonymousMemory | undefined, b: AnonymousMemory): AnonymousMemory {
  if (!a) return b;
  if (b.anonHugeKiB !== a.anonHugeKiB) return b.anonHugeKiB > a.anonHugeKiB ? b : a;
  return b.anonymousKiB > a.anonymousKiB ? b : a;
}

/** AnonHugePages as a percentage of Anonymous (0 when the process had no anonymous memory). */
export function hugeShare(m: AnonymousMemory): number {
  return m.anonymousKiB > 0 ? (100 * m.anonHugeKiB) / m.anonymousKiB : 0;
}
