import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withBaseCheckout } from './base-checkout';

describe('withBaseCheckout', () => {
  it('refuses a base target dir that is the head\'s own, for every kind of bench, before checking anything out', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-base-checkout-'));
    const log = { phase: jest.fn() };
    const work = jest.fn();
    const base = { ref: 'main', commit: 'a'.repeat(40), head: 'b'.repeat(40), top: root };
    await expect(
      withBaseCheckout({ root, cargoRoot: root, headTargetDir: path.join(root, 'target'), baseTargetDir: 'target', base, log: log as never }, work),
    ).rejects.toThrow(`baseTargetDir ${path.join(root, 'target')} is the head's own target dir`);
    expect(work).not.toHaveBeenCalled();
    expect(fs.existsSync(path.join(root, '.nx'))).toBe(false);
    fs.rmSync(root, { recursive: true, force: true });
  });
});
