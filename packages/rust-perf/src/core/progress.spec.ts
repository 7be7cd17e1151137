import { Progress, formatSeconds } from './progress';

describe('Progress', () => {
  test.each([
    [450, '0.45 s'],
    [12_340, '12.3 s'],
  ])('formatSeconds(%d) = %s', (ms, text) => expect(formatSeconds(ms)).toBe(text));

  test('announces each phase with its number and elapsed time, and failures', async () => {
    const lines: string[] = [];
    let t = 0;
    const p = new Progress('pgo', 2, (l) => lines.push(l), () => t);
    await p.phase('instrument', async () => void (t += 12_300));
    await expect(p.phase('run', async () => ((t += 500), Promise.reject(new Error('boom'))))).rejects.toThrow('boom');
    expect(lines).toEqual(['▸ [pgo 1/2] instrument …', '✓ [pgo 1/2] instrument (12.3 s)', '▸ [pgo 2/2] run …', '✗ [pgo 2/2] run failed after 0.50 s']);
  });
});
