import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { stageProfdata } from './stage';

describe('stageProfdata', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-stage-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('copies the profile to its content-hash name in the target dir, once', () => {
    const profdata = path.join(dir, 'dist', 'app.profdata');
    fs.mkdirSync(path.dirname(profdata), { recursive: true });
    fs.writeFileSync(profdata, 'profile one');
    const target = path.join(dir, 'target');
    const sha = createHash('sha256').update('profile one').digest('hex');
    const staged = stageProfdata(profdata, target);
    expect(staged).toEqual({ source: profdata, sha256: sha, usePath: path.join(target, 'rust-perf', 'pgo', 'profdata', `${sha.slice(0, 16)}.profdata`) });
    expect(fs.readFileSync(staged.usePath, 'utf8')).toBe('profile one');
    const mtime = fs.statSync(staged.usePath).mtimeMs;
    // The same contents keep the path (cargo's fingerprint stays fresh) and are not copied again.
    expect(stageProfdata(profdata, target).usePath).toBe(staged.usePath);
    expect(fs.statSync(staged.usePath).mtimeMs).toBe(mtime);
    // New contents get a new path, so cargo rebuilds.
    fs.writeFileSync(profdata, 'profile two');
    const next = stageProfdata(profdata, target);
    expect(next.usePath).not.toBe(staged.usePath);
    expect(fs.readFileSync(next.usePath, 'utf8')).toBe('profile two');
  });
});
