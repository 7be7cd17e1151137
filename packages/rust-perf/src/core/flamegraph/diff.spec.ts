import { benchFileStem, describeGrowth, diffFoldedArgs, grownFrames, parseDiffFolded } from './diff';

describe('differential flamegraph helpers', () => {
  it('names files after the benchmark id without path separators', () => {
    expect(benchFileStem('orderbook/add_cancel_match')).toBe('orderbook_add_cancel_match');
    expect(benchFileStem('codec/decode 1 KiB')).toBe('codec_decode_1_KiB');
    expect(benchFileStem('../x')).toBe('x');
    expect(benchFileStem('///')).toBe('benchmark');
  });

  it('normalizes the base to the head before diffing', () => {
    expect(diffFoldedArgs('/o/a.base.folded', '/o/a.head.folded')).toEqual(['--normalize', '/o/a.base.folded', '/o/a.head.folded']);
  });

  it('reads diff-folded lines and ranks frames by growth of their own share of samples', () => {
    const text = [
      'main;bench;OrderBook::add;spin 0 300', // new in head
      'main;bench;OrderBook::add 200 150',
      'main;bench;OrderBook::cancel 500 350',
      'main;bench;memcpy 300 200',
      'not a stack line',
      '',
    ].join('\n');
    const stacks = parseDiffFolded(text);
    expect(stacks).toHaveLength(4);
    expect(stacks[0]).toEqual({ frames: ['main', 'bench', 'OrderBook::add', 'spin'], base: 0, head: 300 });
    const grown = grownFrames(stacks);
    // Only `spin` took a larger share (0% → 30%); the others shrank as shares.
    expect(grown).toEqual([{ frame: 'spin', baseShare: 0, headShare: 30 }]);
    expect(describeGrowth(grown)).toBe('spin 0.0% → 30.0% of samples');
    expect(describeGrowth(grownFrames(parseDiffFolded('a;b 10 10\n')))).toBe('no frame took a larger share of the samples');
    expect(grownFrames([])).toEqual([]);
  });

  it('adds up a frame\'s own time over every stack it tops', () => {
    const stacks = parseDiffFolded(['x;hot 10 30', 'y;hot 10 30', 'x;cold 80 40'].join('\n'));
    expect(grownFrames(stacks, 5)).toEqual([{ frame: 'hot', baseShare: 20, headShare: 60 }]);
  });
});
