// Published files appear whole or not at all: an interrupted run must never leave a file that Nx
// could cache or a user could mistake for a result.
import * as fs from 'node:fs';
import * as path from 'node:path';

function tempNameFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`);
}

export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = tempNameFor(target);
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Copies a file (e.g. a built binary) into place atomically, keeping its mode. */
export function copyFileAtomic(source: string, target: string): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = tempNameFor(target);
  try {
    fs.copyFileSync(source, tmp);
    fs.chmodSync(tmp, fs.statSync(source).mode);
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Replaces a whole directory by a fully written sibling, so readers never see a half-filled one. */
export function replaceDirAtomic(target: string, fill: (dir: string) => void): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = tempNameFor(target);
  const old = `${tmp}.old`;
  try {
    fs.mkdirSync(tmp, { recursive: true });
    fill(tmp);
    if (fs.existsSync(target)) fs.renameSync(target, old);
    fs.renameSync(tmp, target);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(old, { recursive: true, force: true });
  }
}
