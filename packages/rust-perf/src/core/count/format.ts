// Counts for people: 1,314,411,604 → "1.314 G", changes in percent against a baseline.

export function formatCount(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(3)} G`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (abs >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

export function percentChange(value: number, base: number): string {
  if (base === 0) return 'n/a';
  const pct = ((value - base) / base) * 100;
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%`;
}
