import '../../nx-guard'; // first: a clear message instead of @nx/devkit failing inside an unsupported Nx
import type { ExecutorContext } from '@nx/devkit';
import { logger } from '../shared/log';
import { formatReport, runDoctor } from '../../core/doctor/doctor';
import type { DoctorExecutorSchema } from './schema';

export default async function doctorExecutor(options: DoctorExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  try {
    const report = await runDoctor(context.root, options.cargoRoot);
    // JSON goes to stdout untouched so it can be piped; the table through Nx's logger.
    if (options.json) process.stdout.write(formatReport(report, true) + '\n');
    else logger.info(formatReport(report, false));
    return { success: report.exitCode === 0 };
  } catch (e) {
    logger.error(`rust-perf doctor: ${(e as Error).message}`);
    return { success: false };
  }
}
