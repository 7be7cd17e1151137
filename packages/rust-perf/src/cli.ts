// `rust-perf doctor [--json] [--cargoRoot <dir>]`: the checks without Nx, for a first look at a machine.
import { formatReport, runDoctor } from './core/doctor/doctor';

const USAGE = 'usage: rust-perf doctor [--json] [--cargoRoot <folder of the Cargo workspace>]';

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'doctor') {
    process.stderr.write(`${USAGE}\n`);
    return command === '--help' || command === '-h' ? 0 : 2;
  }
  let json = false;
  let cargoRoot: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--json') json = true;
    else if (arg === '--cargoRoot' || arg === '--cargo-root') cargoRoot = rest[++i];
    else if (arg.startsWith('--cargoRoot=')) cargoRoot = arg.slice('--cargoRoot='.length);
    else {
      process.stderr.write(`unknown argument ${JSON.stringify(arg)}\n${USAGE}\n`);
      return 2;
    }
  }
  try {
    const report = await runDoctor(process.cwd(), cargoRoot);
    process.stdout.write(formatReport(report, json) + '\n');
    return report.exitCode;
  } catch (e) {
    process.stderr.write(`rust-perf doctor: ${(e as Error).message}\n`);
    return 1;
  }
}
