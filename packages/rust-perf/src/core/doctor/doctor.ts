// doctor as one call: probe, judge, render. Shared by the executor and the `rust-perf doctor` command.
import * as path from 'node:path';
import { diskFileReader, locateCargoWorkspace } from '../cargo/locate';
import { evaluate, exitCode, renderChecks, type Check } from './checks';
import { probe } from './probe';
import { hugePageChecks } from './huge-pages';
import { kernelRoots, readHugePageFacts } from '../memory/hugepages';

export interface DoctorReport {
  cargoRoot: string;
  checks: Check[];
  exitCode: number;
}

export async function runDoctor(workspaceRoot: string, cargoRoot: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<DoctorReport> {
  const root = locateCargoWorkspace(diskFileReader(workspaceRoot), cargoRoot);
  const facts = await probe(path.join(workspaceRoot, root), env);
  const checks = [...evaluate({ ...facts, cargoRoot: root }), ...hugePageChecks(readHugePageFacts(kernelRoots(env)), facts.allocators ?? [])];
  return { cargoRoot: root || '.', checks, exitCode: exitCode(checks) };
}

export function formatReport(report: DoctorReport, json: boolean): string {
  return json ? JSON.stringify(report, null, 2) : `rust-perf doctor (Cargo workspace: ${report.cargoRoot})\n\n${renderChecks(report.checks)}`;
}
