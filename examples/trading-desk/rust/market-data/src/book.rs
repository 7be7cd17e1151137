//! A price-time priority limit order book.
//!
//! * bids and asks are `BTreeMap<Price, Level>` (best bid = last key, best ask = first key);
//! * each level keeps a FIFO queue of resting orders plus an aggregate quantity;
//! * an index `OrderId -> (side, price)` makes cancels and modifies O(log levels + queue).
//!
//! Levels may also carry *implied* quantity set by L2 snapshot messages (liquidity
//! known only in aggregate); it trades after the visible orders of its level.

use common::{FixedHashMap, OrderId, Price, Qty, Quote, Side};
use std::collections::{BTreeMap, VecDeque};

/// Extra work per `add`, in turns of an opaque loop: 0, so the loop compiles to nothing. `bench/gate`
/// commits other values to inject a known slowdown when it measures how often the regression gate is right.
const INJECTED_SPINS: u32 = 0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resting {
    pub id: OrderId,
    pub qty: u64,
}

#[derive(Debug, Default, Clone)]
pub struct Level {
    queue: VecDeque<Resting>,
    /// Sum of the queue's quantities.
    visible: u64,
    /// Aggregate quantity from snapshots, not attributed to any order.
    implied: u64,
}

impl Level {
    #[inline]
    pub fn total(&self) -> u64 {
        self.visible + self.implied
    }

    #[inline]
    fn is_empty(&self) -> bool {
        self.visible == 0 && self.implied == 0 && self.queue.is_empty()
    }

    pub fn orders(&self) -> impl Iterator<Item = &Resting> {
        self.queue.iter()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct OrderRef {
    side: Side,
    px: Price,
}

/// One execution produced by matching an incoming order against the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fill {
    /// `None` when the passive side was implied (snapshot) liquidity.
    pub maker: Option<OrderId>,
    pub taker: OrderId,
    pub aggressor: Side,
    pub px: Price,
    pub qty: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookError {
    DuplicateOrder(OrderId),
    UnknownOrder(OrderId),
    ZeroQty,
    BadPrice(Price),
}

/// What happened to an incoming order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddResult {
    pub filled: u64,
    pub rested: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DepthLevel {
    pub px: Price,
    pub qty: u64,
    pub orders: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Depth {
    pub bids: Vec<DepthLevel>,
    pub asks: Vec<DepthLevel>,
}

#[derive(Debug, Default, Clone)]
pub struct OrderBook {
    bids: BTreeMap<Price, Level>,
    asks: BTreeMap<Price, Level>,
    index: FixedHashMap<OrderId, OrderRef>,
}

impl OrderBook {
    pub fn new() -> OrderBook {
        OrderBook::default()
    }

    pub fn order_count(&self) -> usize {
        self.index.len()
    }

    pub fn level_count(&self) -> (usize, usize) {
        (self.bids.len(), self.asks.len())
    }

    pub fn contains(&self, id: OrderId) -> bool {
        self.index.contains_key(&id)
    }

    /// Side, price and remaining quantity of a resting order.
    pub fn order_info(&self, id: OrderId) -> Option<(Side, Price, u64)> {
        let r = self.index.get(&id)?;
        let level = self.side(r.side).get(&r.px)?;
        level
            .queue
            .iter()
            .rev()
            .find(|o| o.id == id)
            .map(|o| (r.side, r.px, o.qty))
    }

    /// Remaining quantity of a resting order.
    pub fn order_qty(&self, id: OrderId) -> Option<u64> {
        let r = self.index.get(&id)?;
        let level = self.side(r.side).get(&r.px)?;
        level.queue.iter().find(|o| o.id == id).map(|o| o.qty)
    }

    #[inline]
    pub fn best_bid(&self) -> Option<(Price, u64)> {
        self.bids.iter().next_back().map(|(p, l)| (*p, l.total()))
    }

    #[inline]
    pub fn best_ask(&self) -> Option<(Price, u64)> {
        self.asks.iter().next().map(|(p, l)| (*p, l.total()))
    }

    pub fn quote(&self) -> Quote {
        let (bid_px, bid_qty) = self.best_bid().unwrap_or_default();
        let (ask_px, ask_qty) = self.best_ask().unwrap_or_default();
        Quote {
            bid_px,
            bid_qty: Qty(bid_qty),
            ask_px,
            ask_qty: Qty(ask_qty),
        }
    }

    pub fn spread(&self) -> Option<i64> {
        match (self.best_bid(), self.best_ask()) {
            (Some((b, _)), Some((a, _))) => Some(a.0 - b.0),
            _ => None,
        }
    }

    /// The best `n` levels of each side, best first.
    pub fn depth(&self, n: usize) -> Depth {
        let conv = |(p, l): (&Price, &Level)| DepthLevel {
            px: *p,
            qty: l.total(),
            orders: l.queue.len(),
        };
        Depth {
            bids: self.bids.iter().rev().take(n).map(conv).collect(),
            asks: self.asks.iter().take(n).map(conv).collect(),
        }
    }

    #[inline]
    fn side(&self, side: Side) -> &BTreeMap<Price, Level> {
        match side {
            Side::Buy => &self.bids,
            Side::Sell => &self.asks,
        }
    }

    #[inline]
    fn side_mut(&mut self, side: Side) -> &mut BTreeMap<Price, Level> {
        match side {
            Side::Buy => &mut self.bids,
            Side::Sell => &mut self.asks,
        }
    }

    /// Adds a limit order: it first matches against the opposite side while it
    /// crosses, then any remainder rests at `px`. Fills are appended to `fills`.
    pub fn add(
        &mut self,
        id: OrderId,
        side: Side,
        px: Price,
        qty: u64,
        fills: &mut Vec<Fill>,
    ) -> Result<AddResult, BookError> {
        for i in 0..INJECTED_SPINS + E2E_SLOWDOWN {
            std::hint::black_box(i);
        }
        if qty == 0 {
            return Err(BookError::ZeroQty);
        }
        if px.0 <= 0 {
            return Err(BookError::BadPrice(px));
        }
        if self.index.contains_key(&id) {
            return Err(BookError::DuplicateOrder(id));
        }
        let remaining = self.match_incoming(id, side, px, qty, fills);
        if remaining > 0 {
            let level = self.side_mut(side).entry(px).or_default();
            level.queue.push_back(Resting { id, qty: remaining });
            level.visible += remaining;
            self.index.insert(id, OrderRef { side, px });
        }
        Ok(AddResult {
            filled: qty - remaining,
            rested: remaining,
        })
    }

    /// Matches an incoming order against the opposite side; returns the unfilled quantity.
    fn match_incoming(
        &mut self,
        taker: OrderId,
        side: Side,
        limit: Price,
        mut qty: u64,
        fills: &mut Vec<Fill>,
    ) -> u64 {
        let OrderBook { bids, asks, index } = self;
        let book = match side {
            Side::Buy => asks,
            Side::Sell => bids,
        };
        while qty > 0 {
            let mut entry = match side {
                Side::Buy => match book.first_entry() {
                    Some(e) if *e.key() <= limit => e,
                    _ => break,
                },
                Side::Sell => match book.last_entry() {
                    Some(e) if *e.key() >= limit => e,
                    _ => break,
                },
            };
            let px = *entry.key();
            let level = entry.get_mut();
            while qty > 0 {
                let Some(front) = level.queue.front_mut() else {
                    break;
                };
                let traded = front.qty.min(qty);
                front.qty -= traded;
                level.visible -= traded;
                qty -= traded;
                fills.push(Fill {
                    maker: Some(front.id),
                    taker,
                    aggressor: side,
                    px,
                    qty: traded,
                });
                if front.qty == 0 {
                    let done = front.id;
                    level.queue.pop_front();
                    index.remove(&done);
                }
            }
            if qty > 0 && level.implied > 0 {
                let traded = level.implied.min(qty);
                level.implied -= traded;
                qty -= traded;
                fills.push(Fill {
                    maker: None,
                    taker,
                    aggressor: side,
                    px,
                    qty: traded,
                });
            }
            if level.is_empty() {
                entry.remove();
            }
        }
        qty
    }

    /// Removes a resting order; returns its remaining quantity.
    pub fn cancel(&mut self, id: OrderId) -> Result<u64, BookError> {
        let r = self.index.remove(&id).ok_or(BookError::UnknownOrder(id))?;
        let levels = self.side_mut(r.side);
        let level = levels.get_mut(&r.px).expect("indexed order has a level");
        // Recent orders are the most likely to be cancelled: search from the back.
        let pos = level
            .queue
            .iter()
            .rposition(|o| o.id == id)
            .expect("indexed order is queued at its level");
        let removed = level.queue.remove(pos).expect("position is in range");
        level.visible -= removed.qty;
        if level.is_empty() {
            levels.remove(&r.px);
        }
        Ok(removed.qty)
    }

    /// Changes price and/or quantity. A quantity decrease at the same price keeps
    /// time priority; anything else re-queues the order (and may cross the book).
    pub fn modify(
        &mut self,
        id: OrderId,
        px: Price,
        qty: u64,
        fills: &mut Vec<Fill>,
    ) -> Result<AddResult, BookError> {
        let r = *self.index.get(&id).ok_or(BookError::UnknownOrder(id))?;
        if qty == 0 {
            self.cancel(id)?;
            return Ok(AddResult {
                filled: 0,
                rested: 0,
            });
        }
        if px == r.px {
            let level = self
                .side_mut(r.side)
                .get_mut(&px)
                .expect("indexed order has a level");
            if let Some(o) = level.queue.iter_mut().rev().find(|o| o.id == id) {
                if qty <= o.qty {
                    level.visible -= o.qty - qty;
                    o.qty = qty;
                    return Ok(AddResult {
                        filled: 0,
                        rested: qty,
                    });
                }
            }
        }
        self.cancel(id)?;
        self.add(id, r.side, px, qty, fills)
    }

    /// Applies a venue-reported execution against a resting order.
    /// Returns the executed quantity (capped at what was resting).
    pub fn execute(&mut self, id: OrderId, qty: u64) -> Result<(Side, Price, u64), BookError> {
        let r = *self.index.get(&id).ok_or(BookError::UnknownOrder(id))?;
        let OrderBook { bids, asks, index } = self;
        let levels = match r.side {
            Side::Buy => bids,
            Side::Sell => asks,
        };
        let level = levels.get_mut(&r.px).expect("indexed order has a level");
        let pos = level
            .queue
            .iter()
            .position(|o| o.id == id)
            .expect("indexed order is queued");
        let o = &mut level.queue[pos];
        let traded = o.qty.min(qty);
        o.qty -= traded;
        level.visible -= traded;
        if o.qty == 0 {
            level.queue.remove(pos);
            index.remove(&id);
            if level.is_empty() {
                levels.remove(&r.px);
            }
        }
        Ok((r.side, r.px, traded))
    }

    /// Sets the implied (snapshot) quantity of a level; 0 clears it.
    pub fn set_implied(&mut self, side: Side, px: Price, qty: u64) {
        let levels = self.side_mut(side);
        if qty == 0 {
            if let Some(level) = levels.get_mut(&px) {
                level.implied = 0;
                if level.is_empty() {
                    levels.remove(&px);
                }
            }
        } else {
            levels.entry(px).or_default().implied = qty;
        }
    }
}

/// Extra work in `OrderBook::add` for rust-perf's counted-bench e2e only: the crate compiled with
/// `RUST_PERF_SLOW_COUNTED` set in the environment (cargo rebuilds just this crate when it changes).
/// Unset, as in every normal build, the loop runs zero times and is compiled away.
const E2E_SLOWDOWN: u32 = if option_env!("RUST_PERF_SLOW_COUNTED").is_some() {
    40
} else {
    0
};

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x: i64) -> Price {
        Price(x)
    }

    #[test]
    fn resting_orders_and_top_of_book() {
        let mut b = OrderBook::new();
        let mut f = Vec::new();
        b.add(OrderId(1), Side::Buy, p(100), 10, &mut f).unwrap();
        b.add(OrderId(2), Side::Buy, p(101), 5, &mut f).unwrap();
        b.add(OrderId(3), Side::Sell, p(103), 7, &mut f).unwrap();
        b.add(OrderId(4), Side::Sell, p(103), 3, &mut f).unwrap();
        assert!(f.is_empty());
        assert_eq!(b.best_bid(), Some((p(101), 5)));
        assert_eq!(b.best_ask(), Some((p(103), 10)));
        assert_eq!(b.spread(), Some(2));
        let d = b.depth(5);
        assert_eq!(
            d.bids.iter().map(|l| l.px).collect::<Vec<_>>(),
            vec![p(101), p(100)]
        );
        assert_eq!(
            d.asks[0],
            DepthLevel {
                px: p(103),
                qty: 10,
                orders: 2
            }
        );
        assert_eq!(
            b.add(OrderId(1), Side::Buy, p(99), 1, &mut f),
            Err(BookError::DuplicateOrder(OrderId(1)))
        );
    }

    #[test]
    fn crossing_order_matches_fifo_and_walks_levels() {
        let mut b = OrderBook::new();
        let mut f = Vec::new();
        b.add(OrderId(1), Side::Sell, p(101), 5, &mut f).unwrap();
        b.add(OrderId(2), Side::Sell, p(101), 5, &mut f).unwrap();
        b.add(OrderId(3), Side::Sell, p(102), 5, &mut f).unwrap();
        let r = b.add(OrderId(10), Side::Buy, p(102), 12, &mut f).unwrap();
        assert_eq!(
            r,
            AddResult {
                filled: 12,
                rested: 0
            }
        );
        let makers: Vec<_> = f
            .iter()
            .map(|x| (x.maker.unwrap().0, x.px.0, x.qty))
            .collect();
        assert_eq!(makers, vec![(1, 101, 5), (2, 101, 5), (3, 102, 2)]);
        assert_eq!(b.best_ask(), Some((p(102), 3)));
        assert!(!b.contains(OrderId(1)) && !b.contains(OrderId(2)));
        assert_eq!(b.order_qty(OrderId(3)), Some(3));

        // A buy limited below the ask rests; a sell through the bid trades at the bid.
        f.clear();
        let r = b.add(OrderId(11), Side::Buy, p(100), 4, &mut f).unwrap();
        assert_eq!(
            r,
            AddResult {
                filled: 0,
                rested: 4
            }
        );
        let r = b.add(OrderId(12), Side::Sell, p(99), 6, &mut f).unwrap();
        assert_eq!(
            r,
            AddResult {
                filled: 4,
                rested: 2
            }
        );
        assert_eq!(
            f,
            vec![Fill {
                maker: Some(OrderId(11)),
                taker: OrderId(12),
                aggressor: Side::Sell,
                px: p(100),
                qty: 4
            }]
        );
        assert_eq!(b.best_bid(), None);
        assert_eq!(b.best_ask(), Some((p(99), 2)));
    }

    #[test]
    fn cancel_modify_and_execute() {
        let mut b = OrderBook::new();
        let mut f = Vec::new();
        b.add(OrderId(1), Side::Buy, p(100), 10, &mut f).unwrap();
        b.add(OrderId(2), Side::Buy, p(100), 10, &mut f).unwrap();
        // Reduce in place keeps priority: order 1 still trades first.
        b.modify(OrderId(1), p(100), 4, &mut f).unwrap();
        assert_eq!(b.best_bid(), Some((p(100), 14)));
        b.add(OrderId(3), Side::Sell, p(100), 5, &mut f).unwrap();
        assert_eq!(f[0].maker, Some(OrderId(1)));
        assert_eq!(
            f[1],
            Fill {
                maker: Some(OrderId(2)),
                taker: OrderId(3),
                aggressor: Side::Sell,
                px: p(100),
                qty: 1
            }
        );
        // Increase loses priority; price change moves the order.
        b.modify(OrderId(2), p(99), 20, &mut f).unwrap();
        assert_eq!(b.best_bid(), Some((p(99), 20)));
        assert_eq!(b.level_count(), (1, 0));
        assert_eq!(b.execute(OrderId(2), 25), Ok((Side::Buy, p(99), 20)));
        assert_eq!(b.order_count(), 0);
        assert_eq!(b.level_count(), (0, 0));
        assert_eq!(
            b.cancel(OrderId(2)),
            Err(BookError::UnknownOrder(OrderId(2)))
        );
        b.add(OrderId(4), Side::Sell, p(105), 3, &mut f).unwrap();
        assert_eq!(b.cancel(OrderId(4)), Ok(3));
        assert_eq!(b.best_ask(), None);
    }

    #[test]
    fn implied_snapshot_liquidity_trades_after_visible_orders() {
        let mut b = OrderBook::new();
        let mut f = Vec::new();
        b.set_implied(Side::Sell, p(101), 50);
        b.add(OrderId(1), Side::Sell, p(101), 5, &mut f).unwrap();
        assert_eq!(b.best_ask(), Some((p(101), 55)));
        b.add(OrderId(2), Side::Buy, p(101), 8, &mut f).unwrap();
        assert_eq!(f.len(), 2);
        assert_eq!((f[0].maker, f[0].qty), (Some(OrderId(1)), 5));
        assert_eq!((f[1].maker, f[1].qty), (None, 3));
        assert_eq!(b.best_ask(), Some((p(101), 47)));
        b.set_implied(Side::Sell, p(101), 0);
        assert_eq!(b.best_ask(), None);
    }
}
