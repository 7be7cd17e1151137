//! A deterministic synthetic order flow in the FIX-like wire format: ~60% new
//! orders (mostly small, near the reference price, within limits), ~12% cancels,
//! ~22% venue quote updates, ~6% reference price updates, rare kill-switch
//! toggles; symbols are traded with a skewed popularity.

use crate::router::VENUES;
use common::{Price, Rng};
use std::io::Write;

/// (symbol, initial reference price in ticks, relative traffic weight): shared with the other feed.
pub use common::SYMBOLS;

pub struct OrderFlow {
    rng: Rng,
    ts: u64,
    next_id: u64,
    refs: Vec<i64>,
    /// Net quantity the flow has sent per symbol: the desk leans against it.
    intent: Vec<i64>,
    recent: Vec<u64>,
    total_weight: u64,
    kill: bool,
    started: bool,
}

impl OrderFlow {
    pub fn new(seed: u64) -> OrderFlow {
        OrderFlow {
            rng: Rng::new(seed),
            ts: 34_200_000_000,
            next_id: 1,
            refs: SYMBOLS.iter().map(|s| s.1).collect(),
            intent: vec![0; SYMBOLS.len()],
            recent: Vec::with_capacity(64),
            total_weight: SYMBOLS.iter().map(|s| s.2).sum(),
            kill: false,
            started: false,
        }
    }

    fn pick_symbol(&mut self) -> usize {
        common::symbol_at(self.rng.below(self.total_weight))
    }

    /// Appends `n` messages, one per line, to `out`.
    pub fn write_lines(&mut self, n: usize, out: &mut Vec<u8>) {
        let mut written = 0;
        if !self.started {
            // Initial reference prices and quotes for every symbol.
            self.started = true;
            for i in 0..SYMBOLS.len() {
                if written < n {
                    self.ref_price(i, out);
                    written += 1;
                }
                for v in 0..VENUES.len() {
                    if written < n {
                        self.quote(i, v, out);
                        written += 1;
                    }
                }
            }
        }
        while written < n {
            self.one(out);
            written += 1;
        }
    }

    fn ref_price(&mut self, si: usize, out: &mut Vec<u8>) {
        let _ = writeln!(
            out,
            "35=W|55={}|44={}|60={}",
            SYMBOLS[si].0,
            Price(self.refs[si]),
            self.ts
        );
    }

    fn quote(&mut self, si: usize, v: usize, out: &mut Vec<u8>) {
        let r = &mut self.rng;
        let mid = self.refs[si];
        let half = 1 + r.below(3) as i64;
        let skew = r.range_i64(-1, 1);
        let bid = mid - half + skew;
        let ask = mid + half + skew;
        let bid_size = if r.chance(50) {
            0
        } else {
            100 * (1 + r.below(20))
        };
        let ask_size = if r.chance(50) {
            0
        } else {
            100 * (1 + r.below(20))
        };
        let _ = writeln!(
            out,
            "35=Q|55={}|100={}|132={}|133={}|134={}|135={}|60={}",
            SYMBOLS[si].0,
            VENUES[v].name,
            Price(bid),
            Price(ask),
            bid_size,
            ask_size,
            self.ts
        );
    }

    fn one(&mut self, out: &mut Vec<u8>) {
        self.ts += 1 + self.rng.below(16);
        let si = self.pick_symbol();
        if self.kill && self.rng.chance(20) {
            self.kill = false;
            let _ = writeln!(out, "35=K|58=off|60={}", self.ts);
            return;
        }
        match self.rng.below(10_000) {
            0..=5_999 => self.new_order(si, out),
            6_000..=7_199 => {
                let id = self.next_id;
                self.next_id += 1;
                let orig = if self.recent.is_empty() {
                    id - 1
                } else {
                    let i = self.rng.below(self.recent.len() as u64) as usize;
                    self.recent.swap_remove(i)
                };
                let _ = writeln!(
                    out,
                    "35=F|11={}|41={}|55={}|60={}",
                    id, orig, SYMBOLS[si].0, self.ts
                );
            }
            7_200..=9_399 => {
                let v = self.rng.below(VENUES.len() as u64) as usize;
                self.quote(si, v, out);
            }
            9_400..=9_998 => {
                let step = self.rng.range_i64(-3, 3);
                self.refs[si] = (self.refs[si] + step).max(100);
                self.ref_price(si, out);
            }
            _ => {
                // Rare operator action: a kill switch that is released soon after.
                if self.rng.chance(100) {
                    self.kill = true;
                    let _ = writeln!(out, "35=K|58=on|60={}", self.ts);
                } else {
                    self.ref_price(si, out);
                }
            }
        }
    }

    fn new_order(&mut self, si: usize, out: &mut Vec<u8>) {
        let r = &mut self.rng;
        let id = self.next_id;
        self.next_id += 1;
        let reference = self.refs[si];
        // Lean against the accumulated position: at +/-200k shares the flow only unwinds.
        let lean = (self.intent[si] / 400).clamp(-500, 500);
        let buy = r.chance((500 - lean) as u32);
        let side = if buy { '1' } else { '2' };
        let mut qty = r.lot_qty();
        let roll = r.below(1000);
        if roll < 4 {
            qty *= 300; // fat finger / max qty
        }
        let dir = if buy { 1 } else { -1 };
        if roll >= 10 {
            self.intent[si] += dir * qty as i64;
        }
        let mut passive = false;
        let px = match roll {
            4..=9 => reference + dir * reference * (6 + r.below(10) as i64) / 100, // outside the price band
            _ if r.chance(550) => reference + dir * (1 + r.below(3) as i64),       // aggressive
            _ => {
                passive = true;
                reference - dir * (2 + r.below(6) as i64)
            }
        };
        if r.chance(80) {
            let _ = writeln!(
                out,
                "35=D|11={}|55={}|54={}|40=1|38={}|60={}",
                id, SYMBOLS[si].0, side, qty, self.ts
            );
            return;
        } else {
            let _ = writeln!(
                out,
                "35=D|11={}|55={}|54={}|40=2|44={}|38={}|60={}|1=DESK{}",
                id,
                SYMBOLS[si].0,
                side,
                Price(px.max(1)),
                qty,
                self.ts,
                1 + r.below(4)
            );
        }
        if !passive {
            return;
        }
        if self.recent.len() < 64 {
            self.recent.push(id);
        } else {
            let i = r.below(64) as usize;
            self.recent[i] = id;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{RiskLimits, Router};

    #[test]
    fn flow_is_deterministic_and_mostly_accepted() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        OrderFlow::new(5).write_lines(30_000, &mut a);
        OrderFlow::new(5).write_lines(30_000, &mut b);
        assert_eq!(a, b);
        let mut r = Router::new(RiskLimits::default());
        r.process_text(std::str::from_utf8(&a).unwrap());
        assert_eq!(r.stats.msgs, 30_000);
        assert_eq!(r.stats.parse_errors, 0);
        assert!(
            r.stats.accepted * 10 > r.stats.orders * 8,
            "{:?} {:?}",
            r.stats,
            r.rejects()
        );
        assert!(r.stats.filled_qty > 0 && r.stats.posted_qty > 0);
    }
}
