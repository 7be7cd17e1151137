import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeCommand, run, runChecked, ToolNotFoundError, CommandFailedError } from './run';

// Running, not a zombie waiting for a reaper that never comes in some containers.
const running = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('run', () => {
  it('passes arguments literally, never through a shell', async () => {
    const tricky = ['a b', `it's`, '; echo pwned', '$(whoami)', 'line1\nline2', '"q"'];
    const result = await run(process.execPath, ['-e', 'console.log(JSON.stringify(process.argv.slice(1)))', ...tricky], { cwd: __dirname });
    expect(JSON.parse(result.stdout)).toEqual(tricky);
    expect(result.exitCode).toBe(0);
  });

  it('echoes whole lines, so a line written in two pieces stays one line', async () => {
    const writes: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (writes.push(String(chunk)), true));
    try {
      const script = "process.stderr.write('error[E0308]'); setTimeout(() => process.stderr.write(': mismatched types\\nlast'), 100);";
      await run(process.execPath, ['-e', script], { cwd: __dirname, echo: 'stderr' });
    } finally {
      spy.mockRestore();
    }
    expect(writes).toEqual(['error[E0308]: mismatched types\n', 'last']);
  });

  it('reports a missing program with the fix', async () => {
    await expect(run('cargo-definitely-missing', [], { cwd: __dirname })).rejects.toBeInstanceOf(ToolNotFoundError);
    await expect(run('perf-missing-xyz', [], { cwd: __dirname })).rejects.toThrow(/not found on PATH/);
  });

  it('says when the working directory is missing (not "program not found")', async () => {
    await expect(run(process.execPath, ['-e', '0'], { cwd: '/nonexistent/rust-perf' })).rejects.toThrow(/working directory \/nonexistent\/rust-perf does not exist/);
  });

  // The timeouts leave room for node to start and install its handlers on a loaded 2-core CI
  // machine: at 200 ms the SIGINT once arrived before the handler existed.
  it('ends a child that outlives its timeout with SIGINT first', async () => {
    const script = "process.on('SIGINT', () => { console.log('got SIGINT'); process.exit(0); }); setInterval(() => {}, 1000);";
    const result = await run(process.execPath, ['-e', script], { cwd: __dirname, timeoutMs: 3000, graceMs: 2000 });
    expect(result.timedOut).toBe(true);
    expect(result.stdout).toContain('got SIGINT');
    expect(result.exitCode).toBe(0);
  });

  it('with killGroup, stops the child\'s own children too (npx → nx → cargo → the bench)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-group-'));
    const pidFile = path.join(dir, 'grandchild.pid');
    // The child starts a grandchild that would outlive it, writes its pid, and waits.
    const script = `const c = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }); require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(c.pid)); setInterval(() => {}, 1000);`;
    const r = await run(process.execPath, ['-e', script], { cwd: dir, timeoutMs: 1000, graceMs: 200, killGroup: true });
    expect(r.timedOut).toBe(true);
    const grandchild = Number(fs.readFileSync(pidFile, 'utf8'));
    await new Promise((res) => setTimeout(res, 200));
    expect(running(grandchild)).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('escalates to SIGKILL when SIGINT and SIGTERM are ignored', async () => {
    const script = "process.on('SIGINT', () => {}); process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);";
    const result = await run(process.execPath, ['-e', script], { cwd: __dirname, timeoutMs: 3000, graceMs: 300 });
    expect(result.signal).toBe('SIGKILL');
  });

  it('runChecked turns a failure into an error that names the command', async () => {
    await expect(runChecked(process.execPath, ['-e', 'process.exit(3)'], { cwd: __dirname })).rejects.toBeInstanceOf(CommandFailedError);
    await expect(runChecked(process.execPath, ['-e', 'process.exit(3)'], { cwd: __dirname })).rejects.toThrow(/exited with code 3/);
  });

  it('describes commands with quoting for humans', () => {
    expect(describeCommand('cargo', ['build', '-p', 'market data'])).toBe("cargo build -p 'market data'");
  });
});
