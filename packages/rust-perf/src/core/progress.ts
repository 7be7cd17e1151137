// Phase announcer: long work says what it is doing and how long each phase took.
export type Print = (line: string) => void;

export function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}

export class Progress {
  private index = 0;
  private readonly started = Date.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly print: Print = (line) => console.log(line),
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs one phase: "▸ [pgo 1/4] instrument …" before, "✓ [pgo 1/4] instrument (12.3 s)" after. */
  async phase<T>(name: string, work: () => Promise<T>): Promise<T> {
    this.index++;
    const tag = `[${this.label} ${this.index}/${this.total}]`;
    this.print(`▸ ${tag} ${name} …`);
    const t0 = this.now();
    try {
      const result = await work();
      this.print(`✓ ${tag} ${name} (${formatSeconds(this.now() - t0)})`);
      return result;
    } catch (e) {
      this.print(`✗ ${tag} ${name} failed after ${formatSeconds(this.now() - t0)}`);
      throw e;
    }
  }

  elapsed(): string {
    return formatSeconds(this.now() - this.started);
  }
}
