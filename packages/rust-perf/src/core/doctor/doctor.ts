// doctor as one call: probe, judge, render. Shared by the executor and the `rust-perf doctor` command.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { locateCargoWorkspace } from '../cargo/locate';
import { evaluate, exitCode, renderChecks, type Check } from './checks';
import { probe } from './probe';

export interface DoctorReport {
  cargoRoot: string;
  checks: Check[];
  exitCode: number;
}

/** The disk reader locate.ts needs, relative to the Nx root. */
function diskReader(root: string) {
  return {
    read: (rel: string) => (fs.existsSync(path.join(root, rel)) ? fs.readFileSync(path.join(root, rel), 'utf8') : null),
    listDirs: (rel: string) =>
      fs
        .readdirSync(path.join(root, rel), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name),
  };
}

export async function runDoctor(workspaceRoot: string, cargoRoot: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<DoctorReport> {
  const root = locateCargoWorkspace(diskReader(workspaceRoot), cargoRoot);
  const checks = evaluate(await probe(path.join(workspaceRoot, root), env));
  return { cargoRoot: root || '.', checks, exitCode: exitCode(checks) };
}

export function formatReport(report: DoctorReport, json: boolean): string {
  return json ? JSON.stringify(report, null, 2) : `rust-perf doctor (Cargo workspace: ${report.cargoRoot})\n\n${renderChecks(report.checks)}`;
}
