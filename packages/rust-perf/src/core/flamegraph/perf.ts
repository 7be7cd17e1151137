// Can this process record with perf, and with which events? Pure parsers over /proc and perf output,
// plus the argv for perf record / perf script.

/** `kernel.perf_event_paranoid` (from /proc/sys/kernel/perf_event_paranoid). */
export function parseParanoid(text: string): number {
  const value = Number.parseInt(text.trim(), 10);
  if (!Number.isFinite(value)) throw new Error(`unexpected kernel.perf_event_paranoid value: ${JSON.stringify(text)}`);
  return value;
}

const CAP_SYS_ADMIN = 21n;
const CAP_PERFMON = 38n;

/** Effective capabilities (`CapEff:` of /proc/self/status) as a bit set. */
export function parseCapEff(status: string): bigint {
  const m = /^CapEff:\s*([0-9a-fA-F]+)\s*$/m.exec(status);
  return m ? BigInt(`0x${m[1]}`) : 0n;
}

export function hasPerfCapability(capEff: bigint): boolean {
  return ((capEff >> CAP_PERFMON) & 1n) === 1n || ((capEff >> CAP_SYS_ADMIN) & 1n) === 1n;
}

export interface RecordingAccess {
  allowed: boolean;
  /** Only user-space samples may be taken (paranoid 2 for an unprivileged user): use `:u` events. */
  userOnly: boolean;
  message?: string;
}

/**
 * perf_event_open's rules (Documentation/admin-guide/perf-security.rst): root, CAP_PERFMON or
 * CAP_SYS_ADMIN bypass the paranoid setting; otherwise ≤ 1 allows user and kernel profiling of
 * one's own processes, 2 allows user space only, and ≥ 3 (Debian's default) nothing at all.
 */
export function recordingAccess(paranoid: number, uid: number, capEff: bigint): RecordingAccess {
  if (uid === 0 || hasPerfCapability(capEff)) return { allowed: true, userOnly: false };
  if (paranoid <= 1) return { allowed: true, userOnly: false };
  if (paranoid === 2) return { allowed: true, userOnly: true };
  return {
    allowed: false,
    userOnly: true,
    message:
      `kernel.perf_event_paranoid is ${paranoid}, which forbids perf for unprivileged users. ` +
      'Fix: sudo sysctl kernel.perf_event_paranoid=1 (to keep it after a reboot: echo kernel.perf_event_paranoid=1 | sudo tee /etc/sysctl.d/60-perf.conf), or run as root / with CAP_PERFMON.',
  };
}

/**
 * Whether the CPU cycles counter can be read, from `perf stat -x, -e cycles -- true`'s stderr.
 * In VMs without a virtual PMU perf prints `<not supported>,,cycles,…`.
 */
export function hardwareCyclesSupported(perfStatCsv: string): boolean {
  for (const line of perfStatCsv.split(/\r?\n/)) {
    const fields = line.split(',');
    if (fields.length >= 3 && /^cycles(:u)?$/.test(fields[2])) return /^\d+(\.\d+)?$/.test(fields[0]);
  }
  return false;
}

export function perfStatProbeArgs(userOnly: boolean): string[] {
  return ['stat', '-x', ',', '-e', userOnly ? 'cycles:u' : 'cycles', '--', 'true'];
}

export interface PerfRecordOptions {
  frequency: number;
  callGraph: string;
  /** Omitted: perf's default (cycles). */
  event?: string;
  output: string;
  program: string;
  args: readonly string[];
}

export function chooseEvent(hardware: boolean, userOnly: boolean): string | undefined {
  if (hardware) return userOnly ? 'cycles:u' : undefined;
  return userOnly ? 'cpu-clock:u' : 'cpu-clock';
}

export function perfRecordArgs(o: PerfRecordOptions): string[] {
  return [
    'record',
    '-F',
    String(o.frequency),
    '--call-graph',
    o.callGraph,
    ...(o.event ? ['-e', o.event] : []),
    '-o',
    o.output,
    '--',
    o.program,
    ...o.args,
  ];
}

/**
 * Fields without `period`: inferno-collapse-perf adds up the period of each sample when perf prints it,
 * and a cpu-clock period is nanoseconds (~1,003,009 per sample at 997 Hz), so the SVG's tooltips would
 * say "1,234,567,890 samples". Without it each sample counts once, as the tooltips say.
 */
export const PERF_SCRIPT_FIELDS = 'comm,pid,tid,time,event,ip,sym,dso';

export function perfScriptArgs(data: string): string[] {
  return ['script', '-F', PERF_SCRIPT_FIELDS, '-i', data];
}

/** `--bench --profile-time <s>`: criterion runs each benchmark for that long without analysis. */
export function criterionProfileArgs(profileTime: number, filter?: string): string[] {
  return ['--bench', '--profile-time', String(profileTime), ...(filter ? [filter] : [])];
}
