// The fault catalogue, flamegraph cases: perf missing (real executor, PATH without perf) and a paranoid level
// that forbids recording (root bypasses it on this machine, so the deciding function is tested).
import * as fs from 'node:fs';
import * as path from 'node:path';
import flamegraph from '../executors/flamegraph/executor';
import { recordingAccess } from '../core/flamegraph/perf';
import { captureConsole, hashTree, tempDir } from './__fixtures__/fixtures';
import { createFaultWorkspace } from './__fixtures__/fault-workspace';

afterEach(() => jest.restoreAllMocks());

it('[exec-perf-missing] perf missing from PATH: names perf and the apt-get fix; nothing written', async () => {
  const ws = createFaultWorkspace();
  const bin = tempDir('rp-rel-noperf-');
  const saved = process.env.PATH;
  const out = captureConsole();
  const before = hashTree(ws.root);
  process.env.PATH = bin;
  try {
    const r = await flamegraph({ cargoRoot: 'rust', package: 'fault-app', bin: 'fault-app', installTools: false } as never, ws.context());
    expect(r.success).toBe(false);
  } finally {
    process.env.PATH = saved;
    fs.rmSync(bin, { recursive: true, force: true });
  }
  expect(out.text()).toContain('perf was not found on PATH. Fix: apt-get install linux-perf (Debian) or apt-get install linux-tools-$(uname -r) (Ubuntu)');
  expect(hashTree(ws.root)).toEqual(before);
  expect(fs.existsSync(path.join(ws.root, 'dist'))).toBe(false);
  ws.cleanup();
});

describe('[exec-perf-paranoid] kernel.perf_event_paranoid decides who may record', () => {
  it.each([
    [3, 1000, 0n, false],
    [4, 1000, 0n, false],
    [2, 1000, 0n, true],
    [3, 0, 0n, true],
    [3, 1000, 1n << 38n, true],
  ])('paranoid %d, uid %d, caps %s → allowed %s', (paranoid, uid, caps, allowed) => {
    const access = recordingAccess(paranoid, uid, caps);
    expect(access.allowed).toBe(allowed);
    if (!allowed) expect(access.message).toContain(`kernel.perf_event_paranoid is ${paranoid}, which forbids perf for unprivileged users. Fix: sudo sysctl kernel.perf_event_paranoid=1`);
  });
});
