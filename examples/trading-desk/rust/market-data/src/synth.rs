//! A deterministic synthetic L3 feed with a realistic, skewed message mix:
//! ~46% adds, ~42% cancels, ~8% modifies, ~3% executions, ~1% snapshot levels;
//! a few symbols carry most of the traffic, most orders sit within a few ticks
//! of the mid, and most cancels hit orders that were just added.

use crate::book::{Fill, OrderBook};
use common::{FeedMsg, OrderId, Price, Qty, Rng, Side};

/// (symbol, initial reference price in ticks, relative traffic weight): shared with the other feed.
pub use common::SYMBOLS;

/// Upper bound of live orders per symbol; beyond it the feed cancels.
const MAX_LIVE: usize = 4_000;

/// Per-symbol generator state. The generator mirrors its own messages into an
/// [`OrderBook`] so that cancels, modifies and executions always refer to
/// orders that are really resting, with their real price and size.
#[derive(Debug)]
struct SymGen {
    name: &'static str,
    mid: i64,
    live: Vec<OrderId>,
    book: OrderBook,
}

impl SymGen {
    /// Picks a live order (half of the time one of the latest few when
    /// `recent_bias`), dropping ids that were filled in the meantime.
    fn pick_live(&mut self, rng: &mut Rng, recent_bias: bool) -> Option<(usize, OrderId)> {
        while !self.live.is_empty() {
            let len = self.live.len();
            let i = if recent_bias && rng.chance(500) {
                len - 1 - rng.below(len.min(8) as u64) as usize
            } else {
                rng.below(len as u64) as usize
            };
            let id = self.live[i];
            if self.book.contains(id) {
                return Some((i, id));
            }
            self.live.swap_remove(i);
        }
        None
    }
}

#[derive(Debug)]
pub struct SyntheticFeed {
    rng: Rng,
    seq: u64,
    ts: u64,
    next_id: u64,
    total_weight: u64,
    syms: Vec<SymGen>,
    fills: Vec<Fill>,
}

impl SyntheticFeed {
    pub fn new(seed: u64) -> SyntheticFeed {
        SyntheticFeed {
            rng: Rng::new(seed),
            seq: 0,
            ts: 34_200_000_000, // 09:30:00 in microseconds
            next_id: 1,
            total_weight: SYMBOLS.iter().map(|s| s.2).sum(),
            syms: SYMBOLS
                .iter()
                .map(|&(name, mid, _)| SymGen {
                    name,
                    mid,
                    live: Vec::new(),
                    book: OrderBook::new(),
                })
                .collect(),
            fills: Vec::new(),
        }
    }

    /// Generates `n` messages as JSON lines appended to `out`.
    pub fn write_json_lines(&mut self, n: usize, out: &mut Vec<u8>) {
        for msg in self.by_ref().take(n) {
            msg.write_json_line(out)
                .expect("writing to a Vec cannot fail");
        }
    }

    fn pick_symbol(&mut self) -> usize {
        common::symbol_at(self.rng.below(self.total_weight))
    }

    /// Distance from the mid of a new passive order: mostly at or near the touch.
    fn passive_offset(rng: &mut Rng) -> i64 {
        match rng.below(100) {
            0..=59 => rng.below(3) as i64,
            60..=89 => 3 + rng.below(8) as i64,
            _ => 11 + rng.below(40) as i64,
        }
    }

    fn add(&mut self, si: usize, seq: u64, ts: u64) -> FeedMsg<'static> {
        let rng = &mut self.rng;
        let g = &mut self.syms[si];
        let id = OrderId(self.next_id);
        self.next_id += 1;
        let side = if rng.chance(500) {
            Side::Buy
        } else {
            Side::Sell
        };
        let qty = rng.lot_qty();
        let px = if rng.chance(30) {
            // Marketable: crosses the mid by a few ticks.
            let k = 1 + rng.below(4) as i64;
            match side {
                Side::Buy => g.mid + k,
                Side::Sell => g.mid - k,
            }
        } else {
            let off = 1 + Self::passive_offset(rng);
            match side {
                Side::Buy => g.mid - off,
                Side::Sell => g.mid + off,
            }
        };
        self.fills.clear();
        if let Ok(r) = g.book.add(id, side, Price(px), qty, &mut self.fills) {
            if r.rested > 0 {
                g.live.push(id);
            }
        }
        FeedMsg::Add {
            seq,
            ts,
            sym: g.name,
            id,
            side,
            px: Price(px),
            qty: Qty(qty),
        }
    }
}

impl Iterator for SyntheticFeed {
    type Item = FeedMsg<'static>;

    fn next(&mut self) -> Option<FeedMsg<'static>> {
        self.seq += 1;
        self.ts += 1 + self.rng.below(40);
        let (seq, ts) = (self.seq, self.ts);
        let si = self.pick_symbol();
        let rng = &mut self.rng;
        let g = &mut self.syms[si];
        let sym = g.name;

        if rng.chance(50) {
            g.mid = (g.mid + rng.range_i64(-2, 2)).max(500);
        }

        let mut kind = rng.below(1000);
        if g.live.len() >= MAX_LIVE && kind < 460 {
            kind = 460;
        }

        let msg = match kind {
            0..=459 => None,
            // Cancel, biased towards the latest orders
            460..=879 => g.pick_live(rng, true).map(|(i, id)| {
                g.live.swap_remove(i);
                g.book.cancel(id).expect("picked order is live");
                FeedMsg::Cancel { seq, ts, sym, id }
            }),
            // Modify: mostly size reductions, sometimes a re-price away from the touch
            880..=959 => g.pick_live(rng, false).map(|(_, id)| {
                let (side, px, qty) = g.book.order_info(id).expect("picked order is live");
                let (mut px, mut qty) = (px.0, qty);
                if qty > 1 && rng.chance(600) {
                    qty -= 1 + rng.below(qty - 1).min(qty / 2);
                } else {
                    let step = 1 + rng.below(2) as i64;
                    px = match side {
                        Side::Buy => (px - step).max(1),
                        Side::Sell => px + step,
                    };
                    if rng.chance(300) {
                        qty = rng.lot_qty();
                    }
                }
                self.fills.clear();
                g.book
                    .modify(id, Price(px), qty, &mut self.fills)
                    .expect("picked order is live");
                FeedMsg::Modify {
                    seq,
                    ts,
                    sym,
                    id,
                    px: Price(px),
                    qty: Qty(qty),
                }
            }),
            // Execution against a resting order
            960..=989 => g.pick_live(rng, false).map(|(_, id)| {
                let (_, px, qty) = g.book.order_info(id).expect("picked order is live");
                let traded = if rng.chance(600) {
                    qty
                } else {
                    1 + rng.below(qty)
                };
                g.book.execute(id, traded).expect("picked order is live");
                FeedMsg::Trade {
                    seq,
                    ts,
                    sym,
                    id,
                    px,
                    qty: Qty(traded),
                }
            }),
            // Snapshot level (implied liquidity away from the touch)
            _ => {
                let side = if rng.chance(500) {
                    Side::Buy
                } else {
                    Side::Sell
                };
                let off = 5 + rng.below(20) as i64;
                let px = match side {
                    Side::Buy => g.mid - off,
                    Side::Sell => g.mid + off,
                };
                let qty = if rng.chance(200) {
                    0
                } else {
                    10 * rng.lot_qty()
                };
                let crosses = match side {
                    Side::Buy => g.book.best_ask().is_some_and(|(a, _)| a.0 <= px),
                    Side::Sell => g.book.best_bid().is_some_and(|(b, _)| b.0 >= px),
                };
                (!crosses).then(|| {
                    g.book.set_implied(side, Price(px), qty);
                    FeedMsg::Snapshot {
                        seq,
                        ts,
                        sym,
                        side,
                        px: Price(px),
                        qty: Qty(qty),
                    }
                })
            }
        };
        Some(match msg {
            Some(m) => m,
            None => self.add(si, seq, ts),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_for_a_seed() {
        let a: Vec<_> = SyntheticFeed::new(3).take(2000).collect();
        let b: Vec<_> = SyntheticFeed::new(3).take(2000).collect();
        let c: Vec<_> = SyntheticFeed::new(4).take(2000).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.iter().enumerate().all(|(i, m)| m.seq() == i as u64 + 1));
    }

    #[test]
    fn feed_applies_cleanly() {
        let mut out = Vec::new();
        SyntheticFeed::new(11).write_json_lines(20_000, &mut out);
        let mut h = crate::FeedHandler::new();
        h.process_text(std::str::from_utf8(&out).unwrap());
        assert_eq!(h.stats.msgs, 20_000);
        assert_eq!(h.stats.parse_errors, 0);
        assert_eq!(h.stats.seq_gaps, 0);
        assert_eq!(h.stats.rejects, 0);
        assert_eq!(h.stats.unknown_orders, 0, "{:?}", h.stats);
        assert!(h.stats.fills > 0);
    }
}
