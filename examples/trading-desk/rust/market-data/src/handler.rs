//! The feed handler: parses JSON lines into [`FeedMsg`]s, routes them to the
//! book of their symbol, and keeps statistics and a checksum of every
//! top-of-book change so that differently optimized builds can be compared.

use crate::book::{BookError, Fill, OrderBook};
use common::{Checksum, FeedMsg, Price};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FeedStats {
    pub msgs: u64,
    pub adds: u64,
    pub cancels: u64,
    pub modifies: u64,
    pub trades: u64,
    pub snapshots: u64,
    pub fills: u64,
    pub filled_qty: u64,
    pub unknown_orders: u64,
    pub rejects: u64,
    pub parse_errors: u64,
    pub seq_gaps: u64,
}

#[derive(Debug, Default)]
pub struct SymbolState {
    pub name: String,
    pub book: OrderBook,
    pub volume: u64,
    pub notional: u128,
    pub last_px: Price,
    pub updates: u64,
}

impl SymbolState {
    /// Volume-weighted average traded price in ticks.
    pub fn vwap(&self) -> Option<f64> {
        (self.volume > 0).then(|| self.notional as f64 / self.volume as f64)
    }
}

#[derive(Debug, Default)]
pub struct FeedHandler {
    index: common::FixedHashMap<String, usize>,
    symbols: Vec<SymbolState>,
    fills: Vec<Fill>,
    checksum: Checksum,
    last_seq: u64,
    pub stats: FeedStats,
}

impl FeedHandler {
    pub fn new() -> FeedHandler {
        FeedHandler::default()
    }

    pub fn checksum(&self) -> u64 {
        self.checksum.value()
    }

    pub fn symbols(&self) -> &[SymbolState] {
        &self.symbols
    }

    pub fn book(&self, sym: &str) -> Option<&OrderBook> {
        self.index.get(sym).map(|&i| &self.symbols[i].book)
    }

    fn symbol_slot(&mut self, sym: &str) -> usize {
        if let Some(&i) = self.index.get(sym) {
            return i;
        }
        let i = self.symbols.len();
        self.index.insert(sym.to_owned(), i);
        self.symbols.push(SymbolState {
            name: sym.to_owned(),
            ..SymbolState::default()
        });
        i
    }

    /// Parses and applies every non-empty line of `text`.
    pub fn process_text(&mut self, text: &str) {
        for line in text.lines() {
            self.process_line(line);
        }
    }

    /// Parses and applies one JSON line; returns false if it could not be parsed.
    pub fn process_line(&mut self, line: &str) -> bool {
        if line.trim().is_empty() {
            return true;
        }
        match FeedMsg::from_json(line) {
            Ok(msg) => {
                self.apply(&msg);
                true
            }
            Err(_) => {
                self.stats.parse_errors += 1;
                false
            }
        }
    }

    /// Applies one message to the book of its symbol.
    pub fn apply(&mut self, msg: &FeedMsg<'_>) {
        let seq = msg.seq();
        if self.last_seq != 0 && seq != self.last_seq + 1 {
            self.stats.seq_gaps += 1;
        }
        self.last_seq = seq;
        self.stats.msgs += 1;

        let slot = self.symbol_slot(msg.sym());
        self.fills.clear();
        let state = &mut self.symbols[slot];
        let book = &mut state.book;
        let stats = &mut self.stats;
        let result: Result<(), BookError> = match *msg {
            FeedMsg::Add {
                id, side, px, qty, ..
            } => {
                stats.adds += 1;
                book.add(id, side, px, qty.0, &mut self.fills).map(|_| ())
            }
            FeedMsg::Cancel { id, .. } => {
                stats.cancels += 1;
                book.cancel(id).map(|_| ())
            }
            FeedMsg::Modify { id, px, qty, .. } => {
                stats.modifies += 1;
                book.modify(id, px, qty.0, &mut self.fills).map(|_| ())
            }
            FeedMsg::Trade { id, px, qty, .. } => {
                stats.trades += 1;
                book.execute(id, qty.0).map(|(_, _, traded)| {
                    if traded > 0 {
                        state.volume += traded;
                        state.notional += px.0 as u128 * traded as u128;
                        state.last_px = px;
                    }
                })
            }
            FeedMsg::Snapshot { side, px, qty, .. } => {
                stats.snapshots += 1;
                book.set_implied(side, px, qty.0);
                Ok(())
            }
        };
        match result {
            Ok(()) => {}
            Err(BookError::UnknownOrder(_)) => stats.unknown_orders += 1,
            Err(_) => stats.rejects += 1,
        }

        let ck = &mut self.checksum;
        for f in &self.fills {
            stats.fills += 1;
            stats.filled_qty += f.qty;
            state.volume += f.qty;
            state.notional += f.px.0 as u128 * f.qty as u128;
            state.last_px = f.px;
            ck.add(f.taker.0);
            ck.add(f.maker.map_or(0, |m| m.0));
            ck.add_i64(f.px.0);
            ck.add(f.qty);
        }

        // Publish the new top of book (and fold it into the checksum).
        let book = &state.book;
        let (bid_px, bid_qty) = book.best_bid().unwrap_or_default();
        let (ask_px, ask_qty) = book.best_ask().unwrap_or_default();
        state.updates += 1;
        ck.add(seq);
        ck.add(slot as u64);
        ck.add_i64(bid_px.0);
        ck.add(bid_qty);
        ck.add_i64(ask_px.0);
        ck.add(ask_qty);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::{OrderId, Side};

    #[test]
    fn applies_json_lines_and_counts_errors() {
        let mut h = FeedHandler::new();
        let text = r#"{"type":"add","seq":1,"ts":1,"sym":"ACME","id":1,"side":"sell","px":"10.05","qty":100}
{"type":"add","seq":2,"ts":2,"sym":"ACME","id":2,"side":"buy","px":"10.00","qty":200}
{"type":"add","seq":3,"ts":3,"sym":"ACME","id":3,"side":"buy","px":"10.05","qty":150}
{"type":"cancel","seq":4,"ts":4,"sym":"ACME","id":99}
not json
{"type":"trade","seq":6,"ts":6,"sym":"ACME","id":2,"px":"10.00","qty":50}
"#;
        h.process_text(text);
        assert_eq!(h.stats.msgs, 5);
        assert_eq!(h.stats.parse_errors, 1);
        assert_eq!(h.stats.unknown_orders, 1);
        assert_eq!(h.stats.seq_gaps, 1);
        assert_eq!(h.stats.fills, 1);
        assert_eq!(h.stats.filled_qty, 100);
        let book = h.book("ACME").unwrap();
        assert_eq!(book.best_bid(), Some((Price(1005), 50)));
        assert_eq!(book.order_qty(OrderId(2)), Some(150));
        assert_eq!(book.best_ask(), None);
        assert_eq!(h.symbols()[0].volume, 150);
        let _ = Side::Buy;
    }
}
