// Every catalogue case has a test, and docs/troubleshooting.md's "When things go wrong" is the catalogue rendered.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CATALOGUE, renderWhenThingsGoWrong } from '../core/catalogue';

const repo = path.resolve(__dirname, '../../../..');

function specFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : specFiles(p);
    return e.name.endsWith('.spec.ts') && e.name !== 'catalogue.spec.ts' ? [p] : [];
  });
}

const specs = [...specFiles(path.join(repo, 'packages/rust-perf/src')), ...specFiles(path.join(repo, 'e2e'))].map((f) => fs.readFileSync(f, 'utf8'));

describe('fault catalogue', () => {
  it('has unique ids, one per issue case, in every area', () => {
    expect(new Set(CATALOGUE.map((e) => e.id)).size).toBe(CATALOGUE.length);
    expect(CATALOGUE.filter((e) => e.area === 'generator')).toHaveLength(32);
    expect(CATALOGUE.filter((e) => e.area === 'executor')).toHaveLength(70);
    expect(CATALOGUE.filter((e) => e.area === 'inference')).toHaveLength(13);
    expect(CATALOGUE.filter((e) => e.area === 'security')).toHaveLength(3);
    for (const e of CATALOGUE) expect([e.id, e.symptom.length > 0, e.fix.length > 0]).toEqual([e.id, true, true]);
  });

  it.each(CATALOGUE.map((e) => [e.id, e] as const))('%s is tested', (_id, e) => {
    // A test name carries the tag, e.g. it('[gen-malformed-cargo-toml] …') or describe('[id] …').
    const tagged = specs.some((text) => new RegExp(`(it|test|describe)(\\.each\\([\\s\\S]*?\\))?\\(\\s*['"\`][^'"\`]*\\[${e.id}\\]`).test(text));
    if (tagged) return;
    expect(e.testedBy).toBeDefined();
    const [file, name] = e.testedBy!.split(' :: ');
    expect(fs.readFileSync(path.join(repo, file), 'utf8')).toContain(name);
  });

  it('docs/troubleshooting.md "## When things go wrong" is the catalogue rendered, to the next "## " heading or the end', () => {
    const page = fs.readFileSync(path.join(repo, 'docs/troubleshooting.md'), 'utf8');
    const start = page.indexOf('## When things go wrong\n');
    expect(start).toBeGreaterThan(0);
    const next = page.indexOf('\n## ', start + 1);
    const section = page.slice(start, next < 0 ? page.length : next + 1);
    expect(section.trimEnd() + '\n').toBe(renderWhenThingsGoWrong());
    for (const e of CATALOGUE) expect(section).toContain(e.fix.replace(/\|/g, '\\|'));
  });
});
