import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lockHash, lockHashLine } from './lock-hash';

describe('lock-hash: Cargo.lock content as a cache key', () => {
  it('changes with any byte of the lockfile and says when there is none', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lock-hash-'));
    try {
      fs.mkdirSync(path.join(dir, 'rust'));
      expect(lockHash('rust', dir)).toBe('no Cargo.lock');
      // either 1.19.0 → 1.13.0: the change that used to restore a binary built from other versions.
      fs.writeFileSync(path.join(dir, 'rust/Cargo.lock'), '[[package]]\nname = "either"\nversion = "1.19.0"\n');
      const before = lockHash('rust', dir);
      fs.writeFileSync(path.join(dir, 'rust/Cargo.lock'), '[[package]]\nname = "either"\nversion = "1.13.0"\n');
      expect(lockHash('rust', dir)).not.toBe(before);
      expect(before).toMatch(/^Cargo\.lock sha256:[0-9a-f]{64}$/);
      expect(lockHashLine('')).toBe('Cargo.lock sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
