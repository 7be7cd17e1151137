// summary.json and summary.md, written whole (atomic rename) so a reader never sees half a summary.
import * as path from 'node:path';
import { writeFileAtomic } from '../../core/fs/atomic';

export function writeSummaryFiles(outputDir: string, summary: object, markdown: string): string {
  const json = path.join(outputDir, 'summary.json');
  writeFileAtomic(json, JSON.stringify(summary, null, 2) + '\n');
  writeFileAtomic(path.join(outputDir, 'summary.md'), markdown);
  return json;
}
