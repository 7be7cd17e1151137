//! The order router: risk-checks inbound orders, then routes them by a simple
//! smart-order-routing rule over the venues' displayed quotes:
//!
//! 1. take liquidity from the venue with the best price, net of its take fee,
//!    preferring larger displayed size and then lower latency; sweep the next
//!    venue while the order is still marketable;
//! 2. post any limit remainder on the venue paying the best maker rebate;
//!    market-order remainders are cancelled (IOC).

use crate::msg::{Inbound, OrdType};
use crate::risk::{Reject, RiskLimits, SymbolRisk};
use common::{Checksum, OrderId, Price, Side};
use serde::Serialize;
use std::collections::VecDeque;

/// An execution report, written as one JSON line to the router's audit log
/// (the drop copy a compliance system would consume).
#[derive(Debug, Serialize)]
pub struct ExecReport<'a> {
    pub id: OrderId,
    pub sym: &'a str,
    pub ts: u64,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub side: Option<Side>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reject>,
    pub filled: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avg_px: Option<Price>,
    pub leaves: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub venue: Option<&'static str>,
}

/// Audit-log bytes buffered before they are "flushed" (dropped, in this example).
const AUDIT_FLUSH_BYTES: usize = 1 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Venue {
    pub name: &'static str,
    /// Fee to take liquidity, in hundredths of a tick per share.
    pub take_fee: i64,
    /// Rebate for posting liquidity, in hundredths of a tick per share.
    pub make_rebate: i64,
    pub latency_us: u32,
}

pub const VENUES: [Venue; 4] = [
    Venue {
        name: "XNAS",
        take_fee: 30,
        make_rebate: 20,
        latency_us: 40,
    },
    Venue {
        name: "ARCX",
        take_fee: 30,
        make_rebate: 22,
        latency_us: 55,
    },
    Venue {
        name: "BATS",
        take_fee: 25,
        make_rebate: 18,
        latency_us: 35,
    },
    Venue {
        name: "IEXG",
        take_fee: 9,
        make_rebate: 0,
        latency_us: 350,
    },
];

fn venue_index(name: &str) -> Option<usize> {
    match name {
        "XNAS" => Some(0),
        "ARCX" => Some(1),
        "BATS" => Some(2),
        "IEXG" => Some(3),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct VenueQuote {
    bid: i64,
    ask: i64,
    bid_size: u64,
    ask_size: u64,
}

#[derive(Debug, Clone)]
struct SymbolState {
    risk: SymbolRisk,
    quotes: [VenueQuote; VENUES.len()],
}

#[derive(Debug, Clone, Copy)]
struct OpenOrder {
    sym: usize,
    side: Side,
    qty: u64,
    venue: u8,
    expires: u64,
}

/// Outcome of one inbound message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Accepted: `filled` shares executed (at `avg_px` ticks, rounded down), `posted` rest on `post_venue`.
    Routed {
        filled: u64,
        avg_px: i64,
        posted: u64,
        post_venue: Option<&'static str>,
        legs: u8,
    },
    Rejected(Reject),
    Cancelled {
        qty: u64,
    },
    /// A market-data or control message was applied.
    Updated,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RouterStats {
    pub msgs: u64,
    pub orders: u64,
    pub accepted: u64,
    pub filled_qty: u64,
    pub posted_qty: u64,
    pub cancels: u64,
    pub expired: u64,
    pub audit_bytes: u64,
    pub parse_errors: u64,
    pub kill_switch_trips: u64,
    pub venue_fills: [u64; VENUES.len()],
}

/// How long a posted remainder stays open (µs): posted orders are simulated as
/// short-lived so that open exposure stays bounded.
const OPEN_TTL_US: u64 = 50_000;

pub struct Router {
    limits: RiskLimits,
    index: common::FixedHashMap<String, usize>,
    syms: Vec<SymbolState>,
    open: common::FixedHashMap<OrderId, OpenOrder>,
    expiry: VecDeque<(u64, OrderId)>,
    kill: bool,
    consecutive_bad: u32,
    checksum: Checksum,
    reject_counts: [u64; Reject::ALL.len()],
    audit: Vec<u8>,
    pub stats: RouterStats,
}

impl Router {
    pub fn new(limits: RiskLimits) -> Router {
        Router {
            limits,
            index: Default::default(),
            syms: Vec::new(),
            open: Default::default(),
            expiry: VecDeque::new(),
            kill: false,
            consecutive_bad: 0,
            checksum: Checksum::new(),
            reject_counts: [0; Reject::ALL.len()],
            audit: Vec::with_capacity(AUDIT_FLUSH_BYTES + 4096),
            stats: RouterStats::default(),
        }
    }

    pub fn checksum(&self) -> u64 {
        self.checksum.value()
    }

    pub fn kill_switch(&self) -> bool {
        self.kill
    }

    pub fn position(&self, sym: &str) -> Option<i64> {
        self.index.get(sym).map(|&i| self.syms[i].risk.position)
    }

    /// Reject counts by reason (only reasons that occurred).
    pub fn rejects(&self) -> Vec<(Reject, u64)> {
        Reject::ALL
            .iter()
            .zip(self.reject_counts)
            .filter(|(_, n)| *n > 0)
            .map(|(r, n)| (*r, n))
            .collect()
    }

    fn symbol_slot(&mut self, sym: &str) -> usize {
        if let Some(&i) = self.index.get(sym) {
            return i;
        }
        let i = self.syms.len();
        self.index.insert(sym.to_owned(), i);
        self.syms.push(SymbolState {
            risk: SymbolRisk::new(&self.limits),
            quotes: [VenueQuote::default(); VENUES.len()],
        });
        i
    }

    /// Parses and handles every line of `text`.
    pub fn process_text(&mut self, text: &str) {
        for line in text.lines() {
            self.process_line(line);
        }
    }

    pub fn process_line(&mut self, line: &str) -> Option<Decision> {
        if line.is_empty() {
            return None;
        }
        match crate::msg::parse_line(line) {
            Ok(msg) => Some(self.handle(&msg)),
            Err(_) => {
                self.stats.parse_errors += 1;
                None
            }
        }
    }

    pub fn handle(&mut self, msg: &Inbound<'_>) -> Decision {
        self.stats.msgs += 1;
        let decision = match *msg {
            Inbound::NewOrder {
                id,
                sym,
                side,
                ord_type,
                px,
                qty,
                ts,
            } => {
                self.stats.orders += 1;
                self.expire(ts);
                let d = self.new_order(id, sym, side, ord_type, px, qty, ts);
                self.checksum.add(id.0);
                self.report(id, sym, ts, Some(side), &d);
                d
            }
            Inbound::Cancel { orig, sym, ts, .. } => {
                let d = match self.open.remove(&orig) {
                    Some(o) => {
                        self.release(&o);
                        self.stats.cancels += 1;
                        Decision::Cancelled { qty: o.qty }
                    }
                    None => self.reject(Reject::UnknownOrder),
                };
                self.report(orig, sym, ts, None, &d);
                d
            }
            Inbound::RefPrice { sym, px, .. } => {
                let i = self.symbol_slot(sym);
                self.syms[i].risk.ref_px = Some(px);
                Decision::Updated
            }
            Inbound::VenueQuote {
                sym,
                venue,
                bid,
                ask,
                bid_size,
                ask_size,
                ..
            } => {
                let i = self.symbol_slot(sym);
                match venue_index(venue) {
                    Some(v) => {
                        self.syms[i].quotes[v] = VenueQuote {
                            bid: bid.0,
                            ask: ask.0,
                            bid_size,
                            ask_size,
                        };
                        Decision::Updated
                    }
                    None => Decision::Updated,
                }
            }
            Inbound::KillSwitch { on } => {
                if on && !self.kill {
                    self.stats.kill_switch_trips += 1;
                }
                self.kill = on;
                self.consecutive_bad = 0;
                Decision::Updated
            }
        };
        self.fold(&decision);
        decision
    }

    /// Appends the execution report of a decision to the audit log.
    fn report(&mut self, id: OrderId, sym: &str, ts: u64, side: Option<Side>, d: &Decision) {
        let mut r = ExecReport {
            id,
            sym,
            ts,
            status: "",
            side,
            reason: None,
            filled: 0,
            avg_px: None,
            leaves: 0,
            venue: None,
        };
        match *d {
            Decision::Routed {
                filled,
                avg_px,
                posted,
                post_venue,
                ..
            } => {
                r.status = match (filled > 0, posted > 0) {
                    (true, false) => "filled",
                    (true, true) => "partially_filled",
                    (false, _) => "new",
                };
                r.filled = filled;
                r.avg_px = (filled > 0).then_some(Price(avg_px));
                r.leaves = posted;
                r.venue = post_venue;
            }
            Decision::Rejected(reason) => {
                r.status = "rejected";
                r.reason = Some(reason);
            }
            Decision::Cancelled { qty } => {
                r.status = "cancelled";
                r.leaves = qty;
            }
            Decision::Updated => return,
        }
        if self.audit.len() > AUDIT_FLUSH_BYTES {
            self.stats.audit_bytes += self.audit.len() as u64;
            self.audit.clear();
        }
        let before = self.audit.len();
        serde_json::to_writer(&mut self.audit, &r).expect("writing to a Vec cannot fail");
        self.audit.push(b'\n');
        self.checksum.add((self.audit.len() - before) as u64);
    }

    /// The audit log lines not yet flushed.
    pub fn audit_tail(&self) -> &str {
        std::str::from_utf8(&self.audit).expect("serde_json writes UTF-8")
    }

    fn fold(&mut self, d: &Decision) {
        let ck = &mut self.checksum;
        match *d {
            Decision::Routed {
                filled,
                avg_px,
                posted,
                post_venue,
                legs,
            } => {
                ck.add(1);
                ck.add(filled);
                ck.add_i64(avg_px);
                ck.add(posted);
                ck.add(post_venue.map_or(0, |v| v.len() as u64 ^ v.as_bytes()[0] as u64));
                ck.add(legs as u64);
            }
            Decision::Rejected(r) => ck.add(100 + r.code()),
            Decision::Cancelled { qty } => {
                ck.add(2);
                ck.add(qty);
            }
            Decision::Updated => {}
        }
    }

    fn reject(&mut self, r: Reject) -> Decision {
        self.reject_counts[r as usize] += 1;
        Decision::Rejected(r)
    }

    fn release(&mut self, o: &OpenOrder) {
        let risk = &mut self.syms[o.sym].risk;
        match o.side {
            Side::Buy => risk.open_buy -= o.qty,
            Side::Sell => risk.open_sell -= o.qty,
        }
    }

    /// Drops posted orders whose time in force has elapsed.
    fn expire(&mut self, now: u64) {
        while let Some(&(expires, id)) = self.expiry.front() {
            if expires > now {
                break;
            }
            self.expiry.pop_front();
            if let Some(o) = self.open.get(&id).copied() {
                if o.expires == expires {
                    self.open.remove(&id);
                    self.release(&o);
                    self.stats.expired += 1;
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn new_order(
        &mut self,
        id: OrderId,
        sym: &str,
        side: Side,
        ord_type: OrdType,
        px: Price,
        qty: u64,
        ts: u64,
    ) -> Decision {
        if self.kill {
            return self.reject(Reject::KillSwitch);
        }
        let Some(&si) = self.index.get(sym) else {
            return self.reject(Reject::UnknownSymbol);
        };
        if self.open.contains_key(&id) {
            return self.reject(Reject::DuplicateId);
        }
        let limit = match ord_type {
            OrdType::Limit => Some(px),
            OrdType::Market => None,
        };
        let state = &mut self.syms[si];
        let checked_px = match state.risk.check(&self.limits, side, limit, qty, ts) {
            Ok(p) => p,
            Err(r) => {
                if matches!(r, Reject::PriceBand | Reject::FatFinger | Reject::MaxQty) {
                    self.consecutive_bad += 1;
                    if self.consecutive_bad >= self.limits.auto_kill_after {
                        self.kill = true;
                        self.stats.kill_switch_trips += 1;
                    }
                } else {
                    self.consecutive_bad = 0;
                }
                return self.reject(r);
            }
        };
        self.consecutive_bad = 0;
        state.risk.observe_qty(qty);
        self.stats.accepted += 1;

        // Sweep marketable venues, best net price first.
        let limit_px = checked_px.0;
        let mut left = qty;
        let mut notional: i128 = 0;
        let mut legs = 0u8;
        let mut used = [false; VENUES.len()];
        while left > 0 {
            let mut best: Option<(usize, i64)> = None;
            for (v, q) in state.quotes.iter().enumerate() {
                if used[v] {
                    continue;
                }
                let (px, size) = match side {
                    Side::Buy => (q.ask, q.ask_size),
                    Side::Sell => (q.bid, q.bid_size),
                };
                if size == 0 || px <= 0 {
                    continue;
                }
                let marketable = match side {
                    Side::Buy => px <= limit_px,
                    Side::Sell => px >= limit_px,
                };
                if !marketable {
                    continue;
                }
                // Net price in hundredths of a tick, fee included (lower is better for buys).
                let net = match side {
                    Side::Buy => px * 100 + VENUES[v].take_fee,
                    Side::Sell => -(px * 100 - VENUES[v].take_fee),
                };
                let better = match best {
                    None => true,
                    Some((bv, bnet)) => {
                        net < bnet
                            || (net == bnet && {
                                let bq = &state.quotes[bv];
                                let bsize = if side == Side::Buy {
                                    bq.ask_size
                                } else {
                                    bq.bid_size
                                };
                                size > bsize
                                    || (size == bsize
                                        && VENUES[v].latency_us < VENUES[bv].latency_us)
                            })
                    }
                };
                if better {
                    best = Some((v, net));
                }
            }
            let Some((v, _)) = best else { break };
            used[v] = true;
            let q = &mut state.quotes[v];
            let (px, size) = match side {
                Side::Buy => (q.ask, &mut q.ask_size),
                Side::Sell => (q.bid, &mut q.bid_size),
            };
            let take = left.min(*size);
            *size -= take;
            left -= take;
            notional += px as i128 * take as i128;
            legs += 1;
            self.stats.venue_fills[v] += take;
        }
        let filled = qty - left;
        state.risk.position += side.sign() * filled as i64;
        self.stats.filled_qty += filled;
        let avg_px = if filled > 0 {
            (notional / filled as i128) as i64
        } else {
            0
        };

        let (posted, post_venue) = if left > 0 && ord_type == OrdType::Limit {
            let v = (0..VENUES.len())
                .max_by_key(|&v| {
                    (
                        VENUES[v].make_rebate,
                        std::cmp::Reverse(VENUES[v].latency_us),
                    )
                })
                .unwrap_or(0);
            match side {
                Side::Buy => state.risk.open_buy += left,
                Side::Sell => state.risk.open_sell += left,
            }
            let expires = ts + OPEN_TTL_US;
            self.open.insert(
                id,
                OpenOrder {
                    sym: si,
                    side,
                    qty: left,
                    venue: v as u8,
                    expires,
                },
            );
            self.expiry.push_back((expires, id));
            self.stats.posted_qty += left;
            (left, Some(VENUES[v].name))
        } else {
            (0, None)
        };
        if filled == 0 && posted == 0 {
            return self.reject(Reject::NoLiquidity);
        }
        Decision::Routed {
            filled,
            avg_px,
            posted,
            post_venue,
            legs,
        }
    }

    /// Open (posted) quantity of an order and the venue it rests on.
    pub fn open_order(&self, id: OrderId) -> Option<(u64, &'static str)> {
        self.open
            .get(&id)
            .map(|o| (o.qty, VENUES[o.venue as usize].name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::msg::parse_line;

    fn router() -> Router {
        let mut r = Router::new(RiskLimits::default());
        for line in [
            "35=W|55=ACME|44=100.00",
            "35=Q|55=ACME|100=XNAS|132=99.99|133=100.01|134=300|135=200",
            "35=Q|55=ACME|100=BATS|132=99.98|133=100.01|134=500|135=500",
            "35=Q|55=ACME|100=IEXG|132=99.99|133=100.02|134=100|135=1000",
        ] {
            r.handle(&parse_line(line).unwrap());
        }
        r
    }

    fn send(r: &mut Router, line: &str) -> Decision {
        r.handle(&parse_line(line).unwrap())
    }

    #[test]
    fn routes_to_best_net_price_and_sweeps() {
        let mut r = router();
        // 100.01 on XNAS and BATS: BATS has the lower take fee.
        let d = send(&mut r, "35=D|11=1|55=ACME|54=1|44=100.01|38=400|60=1");
        assert_eq!(
            d,
            Decision::Routed {
                filled: 400,
                avg_px: 10001,
                posted: 0,
                post_venue: None,
                legs: 1
            }
        );
        // Next: BATS has 100 left, then XNAS 200 at 100.01, then IEXG at 100.02; remainder posts on ARCX.
        let d = send(&mut r, "35=D|11=2|55=ACME|54=1|44=100.02|38=1500|60=2");
        assert_eq!(
            d,
            Decision::Routed {
                filled: 1300,
                avg_px: 10001,
                posted: 200,
                post_venue: Some("ARCX"),
                legs: 3
            }
        );
        assert_eq!(r.position("ACME"), Some(1700));
        assert_eq!(r.open_order(OrderId(2)), Some((200, "ARCX")));
        assert_eq!(
            send(&mut r, "35=F|11=3|41=2|55=ACME"),
            Decision::Cancelled { qty: 200 }
        );
        assert_eq!(
            send(&mut r, "35=F|11=4|41=2|55=ACME"),
            Decision::Rejected(Reject::UnknownOrder)
        );
        let audit: Vec<&str> = r.audit_tail().lines().collect();
        assert_eq!(audit.len(), 4);
        assert_eq!(
            audit[1],
            r#"{"id":2,"sym":"ACME","ts":2,"status":"partially_filled","side":"buy","filled":1300,"avg_px":"100.01","leaves":200,"venue":"ARCX"}"#
        );
        assert_eq!(
            audit[3],
            r#"{"id":2,"sym":"ACME","ts":0,"status":"rejected","reason":"unknown_order","filled":0,"leaves":0}"#
        );
    }

    #[test]
    fn market_order_remainder_is_not_posted() {
        let mut r = router();
        let d = send(&mut r, "35=D|11=1|55=ACME|54=2|40=1|38=1000|60=1");
        // bids: XNAS 300 @ 99.99 (fee 30), IEXG 100 @ 99.99 (fee 9) first, then BATS 500 @ 99.98
        assert_eq!(
            d,
            Decision::Routed {
                filled: 900,
                avg_px: 9998,
                posted: 0,
                post_venue: None,
                legs: 3
            }
        );
        assert_eq!(r.position("ACME"), Some(-900));
    }

    #[test]
    fn kill_switch_manual_and_automatic() {
        let mut r = router();
        send(&mut r, "35=K|58=on");
        assert_eq!(
            send(&mut r, "35=D|11=1|55=ACME|54=1|44=100.00|38=10|60=1"),
            Decision::Rejected(Reject::KillSwitch)
        );
        send(&mut r, "35=K|58=off");
        assert!(matches!(
            send(&mut r, "35=D|11=2|55=ACME|54=1|44=100.00|38=10|60=2"),
            Decision::Routed { .. }
        ));
        for i in 0..8 {
            let d = send(
                &mut r,
                &format!(
                    "35=D|11={}|55=ACME|54=1|44=120.00|38=10|60={}",
                    10 + i,
                    10 + i
                ),
            );
            assert_eq!(d, Decision::Rejected(Reject::PriceBand));
        }
        assert!(r.kill_switch());
        assert_eq!(r.stats.kill_switch_trips, 2);
        assert_eq!(
            send(&mut r, "35=D|11=99|55=NOPE|54=1|44=1|38=1"),
            Decision::Rejected(Reject::KillSwitch)
        );
    }
}
