// Security: no shell strings, one process runner, no downloads of our own.
import * as fs from 'node:fs';
import * as path from 'node:path';

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === '__fixtures__' ? [] : sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [p] : [];
  });
}

const files = sources(__dirname).map((file) => ({ file: path.relative(__dirname, file), text: fs.readFileSync(file, 'utf8') }));
const runner = path.join('core', 'process', 'run.ts');

describe('source rules', () => {
  it('finds the sources it scans', () => {
    expect(files.length).toBeGreaterThan(5);
    expect(files.map((f) => f.file)).toContain(runner);
  });

  it.each([
    ['shell: true', /shell\s*:\s*true/],
    ['child_process outside the runner', /['"](node:)?child_process['"]/],
    ['network clients (downloads go through cargo or npm only)', /from ['"](node:)?(https?|net|http2)['"]|\bfetch\(/],
  ])('has no %s', (_label, pattern) => {
    const offenders = files.filter((f) => f.file !== runner && pattern.test(f.text)).map((f) => f.file);
    expect(offenders).toEqual([]);
  });

  it('core/ stays free of Nx imports', () => {
    const offenders = files.filter((f) => f.file.startsWith('core') && /from ['"](@nx\/devkit|nx)(\/[^'"]*)?['"]/.test(f.text)).map((f) => f.file);
    expect(offenders).toEqual([]);
  });
});
