import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pkg from '../../package.json';
import { supportedMajors, unsupportedNxMessage } from './nx-support';

const E2E = join(__dirname, '../../../../e2e/rust-perf-e2e/src');

describe('supported Nx majors', () => {
  it('reads the majors of the peer range', () => {
    expect(supportedMajors('>=22.0.0 <25.0.0')).toEqual([22, 23, 24]);
    expect(() => supportedMajors('^22 || ^23')).toThrow(/must read ">=A.0.0 <B.0.0"; got "\^22 \|\| \^23"/);
  });

  it('[gen-nx-unsupported] says nothing for a supported Nx and names the range, the version and the fix otherwise', () => {
    expect(unsupportedNxMessage('23.3.2', '>=22.0.0 <25.0.0', '0.1.0')).toBeNull();
    expect(unsupportedNxMessage('24.0.0-beta.1', '>=22.0.0 <25.0.0', '0.1.0')).toBeNull();
    expect(unsupportedNxMessage('21.6.11', '>=22.0.0 <25.0.0', '0.1.0')).toBe(
      'rust-perf 0.1.0 supports Nx 22, 23 or 24 (peerDependencies nx ">=22.0.0 <25.0.0"); this workspace runs nx 21.6.11, which it was not tested with and whose @nx/devkit it cannot load. Fix: upgrade the workspace with `nx migrate 22` (then `npm install` and `nx migrate --run-migrations`), or stay on your Nx and do not install rust-perf 0.1.0.',
    );
    expect(unsupportedNxMessage('25.0.1', '>=22.0.0 <25.0.0', '0.1.0')).toMatch(/runs nx 25\.0\.1.*npm install -D nx@24/);
  });

  // Peer range honesty: the published range is exactly the majors the e2e specs install and pass.
  it('the peer range and the @nx/devkit range are the Nx majors the e2e matrix installs', () => {
    const sources = readdirSync(E2E).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(E2E, f), 'utf8'));
    const versions = sources.flatMap((s) => [...s.matchAll(/(?:nxVersion: |NX_VERSION = |nx@)'?(\d+)\.\d+\.\d+/g)].map((m) => Number(m[1])));
    const majors = [...new Set(versions)].sort();
    expect(majors).toEqual(supportedMajors(pkg.peerDependencies.nx));
    expect(pkg.dependencies['@nx/devkit']).toBe(pkg.peerDependencies.nx);
  });
});
