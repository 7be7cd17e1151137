import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyFileAtomic, replaceDirAtomic, writeFileAtomic } from './atomic';

describe('atomic writes', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes a file and leaves no temp file behind', () => {
    writeFileAtomic(path.join(dir, 'a', 'b.json'), '{}');
    expect(fs.readFileSync(path.join(dir, 'a', 'b.json'), 'utf8')).toBe('{}');
    expect(fs.readdirSync(path.join(dir, 'a'))).toEqual(['b.json']);
  });

  it('keeps the executable bit of copied binaries', () => {
    const src = path.join(dir, 'bin');
    fs.writeFileSync(src, '#!/bin/sh\n');
    fs.chmodSync(src, 0o755);
    copyFileAtomic(src, path.join(dir, 'out', 'bin'));
    expect(fs.statSync(path.join(dir, 'out', 'bin')).mode & 0o777).toBe(0o755);
  });

  it('leaves the old directory intact when filling the new one fails', () => {
    const target = path.join(dir, 'out');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'old.txt'), 'old');
    expect(() =>
      replaceDirAtomic(target, (tmp) => {
        fs.writeFileSync(path.join(tmp, 'half.txt'), 'x');
        throw new Error('interrupted');
      }),
    ).toThrow('interrupted');
    expect(fs.readdirSync(target)).toEqual(['old.txt']);
    expect(fs.readdirSync(dir)).toEqual(['out']);
  });
});
