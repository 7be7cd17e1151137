//! Pre-trade risk checks.

use common::{Price, Side};
use serde::Serialize;

#[derive(Debug, Clone)]
pub struct RiskLimits {
    /// Largest quantity of a single order.
    pub max_order_qty: u64,
    /// Largest notional of a single order, in ticks × shares.
    pub max_notional: u64,
    /// Largest absolute net position per symbol, counting open orders.
    pub max_position: i64,
    /// Allowed distance of a limit price from the reference price, in basis points.
    pub price_band_bps: i64,
    /// An order larger than this multiple of the symbol's average order size is a fat finger.
    pub fat_finger_mult: u64,
    /// Orders needed before the fat-finger check has a meaningful average.
    pub fat_finger_min_samples: u32,
    /// Sustained order rate per symbol (orders / second) and burst size.
    pub rate_per_sec: u64,
    pub rate_burst: u64,
    /// Consecutive price-band / fat-finger rejects that trip the kill switch.
    pub auto_kill_after: u32,
}

impl Default for RiskLimits {
    fn default() -> Self {
        RiskLimits {
            max_order_qty: 50_000,
            max_notional: 500_000_000, // $5M at 100 ticks per dollar
            max_position: 250_000,
            price_band_bps: 500,
            fat_finger_mult: 40,
            fat_finger_min_samples: 32,
            rate_per_sec: 20_000,
            rate_burst: 300,
            auto_kill_after: 8,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reject {
    KillSwitch,
    UnknownSymbol,
    ZeroQty,
    MaxQty,
    NoReferencePrice,
    PriceBand,
    MaxNotional,
    FatFinger,
    PositionLimit,
    RateLimited,
    DuplicateId,
    UnknownOrder,
    NoLiquidity,
}

impl Reject {
    pub const ALL: [Reject; 13] = [
        Reject::KillSwitch,
        Reject::UnknownSymbol,
        Reject::ZeroQty,
        Reject::MaxQty,
        Reject::NoReferencePrice,
        Reject::PriceBand,
        Reject::MaxNotional,
        Reject::FatFinger,
        Reject::PositionLimit,
        Reject::RateLimited,
        Reject::DuplicateId,
        Reject::UnknownOrder,
        Reject::NoLiquidity,
    ];

    pub fn code(self) -> u64 {
        self as u64 + 1
    }
}

/// A token bucket in integer micro-tokens, refilled from message timestamps (µs).
#[derive(Debug, Clone, Copy)]
pub struct TokenBucket {
    micro_tokens: u64,
    capacity: u64,
    rate_per_sec: u64,
    last_ts: u64,
}

const MICRO: u64 = 1_000_000;

impl TokenBucket {
    pub fn new(rate_per_sec: u64, burst: u64) -> TokenBucket {
        TokenBucket {
            micro_tokens: burst * MICRO,
            capacity: burst * MICRO,
            rate_per_sec,
            last_ts: 0,
        }
    }

    /// Takes one token at time `ts_us` if available.
    #[inline]
    pub fn try_take(&mut self, ts_us: u64) -> bool {
        if ts_us > self.last_ts {
            // rate/s * elapsed µs = micro-tokens
            let refill = (ts_us - self.last_ts).saturating_mul(self.rate_per_sec);
            self.micro_tokens = self.micro_tokens.saturating_add(refill).min(self.capacity);
            self.last_ts = ts_us;
        }
        if self.micro_tokens >= MICRO {
            self.micro_tokens -= MICRO;
            true
        } else {
            false
        }
    }
}

/// Per-symbol risk state.
#[derive(Debug, Clone)]
pub struct SymbolRisk {
    pub ref_px: Option<Price>,
    pub position: i64,
    pub open_buy: u64,
    pub open_sell: u64,
    /// Exponentially weighted average order size, ×16 fixed point.
    avg_qty_x16: u64,
    samples: u32,
    pub bucket: TokenBucket,
}

impl SymbolRisk {
    pub fn new(limits: &RiskLimits) -> SymbolRisk {
        SymbolRisk {
            ref_px: None,
            position: 0,
            open_buy: 0,
            open_sell: 0,
            avg_qty_x16: 0,
            samples: 0,
            bucket: TokenBucket::new(limits.rate_per_sec, limits.rate_burst),
        }
    }

    pub fn avg_qty(&self) -> u64 {
        self.avg_qty_x16 / 16
    }

    /// Records an accepted order's size in the moving average (weight 1/32).
    pub fn observe_qty(&mut self, qty: u64) {
        let q = qty.saturating_mul(16);
        self.avg_qty_x16 = if self.samples == 0 {
            q
        } else {
            self.avg_qty_x16 - self.avg_qty_x16 / 32 + q / 32
        };
        self.samples = self.samples.saturating_add(1);
    }

    /// Runs every pre-trade check; `px` is the limit price, or `None` for a market
    /// order (checked at the edge of the price band).
    pub fn check(
        &mut self,
        limits: &RiskLimits,
        side: Side,
        px: Option<Price>,
        qty: u64,
        ts: u64,
    ) -> Result<Price, Reject> {
        if qty == 0 {
            return Err(Reject::ZeroQty);
        }
        if qty > limits.max_order_qty {
            return Err(Reject::MaxQty);
        }
        let reference = self.ref_px.ok_or(Reject::NoReferencePrice)?.0;
        let band = reference * limits.price_band_bps / 10_000;
        let px = match px {
            Some(p) => {
                if (p.0 - reference).abs() > band {
                    return Err(Reject::PriceBand);
                }
                p.0
            }
            None => match side {
                Side::Buy => reference + band,
                Side::Sell => reference - band,
            },
        };
        if px <= 0 {
            return Err(Reject::PriceBand);
        }
        if (px as u64).saturating_mul(qty) > limits.max_notional {
            return Err(Reject::MaxNotional);
        }
        if self.samples >= limits.fat_finger_min_samples
            && qty > limits.fat_finger_mult * self.avg_qty().max(1)
        {
            return Err(Reject::FatFinger);
        }
        let projected = match side {
            Side::Buy => self.position + (self.open_buy + qty) as i64,
            Side::Sell => self.position - (self.open_sell + qty) as i64,
        };
        if projected.abs() > limits.max_position {
            return Err(Reject::PositionLimit);
        }
        if !self.bucket.try_take(ts) {
            return Err(Reject::RateLimited);
        }
        Ok(Price(px))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(limits: &RiskLimits) -> SymbolRisk {
        let mut s = SymbolRisk::new(limits);
        s.ref_px = Some(Price(10_000));
        s
    }

    #[test]
    fn passes_normal_orders_and_rejects_each_limit() {
        let limits = RiskLimits::default();
        let mut s = state(&limits);
        assert_eq!(
            s.check(&limits, Side::Buy, Some(Price(10_010)), 100, 1),
            Ok(Price(10_010))
        );
        assert_eq!(
            s.check(&limits, Side::Buy, Some(Price(10_010)), 0, 2),
            Err(Reject::ZeroQty)
        );
        assert_eq!(
            s.check(&limits, Side::Buy, Some(Price(10_010)), 60_000, 2),
            Err(Reject::MaxQty)
        );
        // 5% band around 100.00 is [95.00, 105.00]
        assert_eq!(
            s.check(&limits, Side::Sell, Some(Price(9_400)), 100, 3),
            Err(Reject::PriceBand)
        );
        assert_eq!(
            s.check(&limits, Side::Sell, Some(Price(9_500)), 100, 3),
            Ok(Price(9_500))
        );
        // market orders are checked at the band edge
        assert_eq!(s.check(&limits, Side::Buy, None, 100, 4), Ok(Price(10_500)));
        assert_eq!(
            s.check(&limits, Side::Buy, Some(Price(10_010)), 49_999, 5),
            Err(Reject::MaxNotional)
        );
        s.ref_px = None;
        assert_eq!(
            s.check(&limits, Side::Buy, Some(Price(10_000)), 1, 6),
            Err(Reject::NoReferencePrice)
        );
    }

    #[test]
    fn fat_finger_position_and_rate_limits() {
        let limits = RiskLimits {
            rate_per_sec: 1_000,
            rate_burst: 2,
            ..RiskLimits::default()
        };
        let mut s = state(&limits);
        for _ in 0..40 {
            s.observe_qty(100);
        }
        assert_eq!(s.avg_qty(), 100);
        assert_eq!(
            s.check(&limits, Side::Buy, Some(Price(10_000)), 4_001, 1),
            Err(Reject::FatFinger)
        );
        s.position = 249_950;
        assert_eq!(
            s.check(&limits, Side::Buy, Some(Price(10_000)), 100, 1),
            Err(Reject::PositionLimit)
        );
        s.position = 0;
        s.open_sell = 249_950;
        assert_eq!(
            s.check(&limits, Side::Sell, Some(Price(10_000)), 100, 1),
            Err(Reject::PositionLimit)
        );
        s.open_sell = 0;
        // burst of 2, then one token per ms
        assert!(s
            .check(&limits, Side::Buy, Some(Price(10_000)), 100, 10)
            .is_ok());
        assert!(s
            .check(&limits, Side::Buy, Some(Price(10_000)), 100, 10)
            .is_ok());
        assert_eq!(
            s.check(&limits, Side::Buy, Some(Price(10_000)), 100, 10),
            Err(Reject::RateLimited)
        );
        assert_eq!(
            s.check(&limits, Side::Buy, Some(Price(10_000)), 100, 500),
            Err(Reject::RateLimited)
        );
        assert!(s
            .check(&limits, Side::Buy, Some(Price(10_000)), 100, 1_010)
            .is_ok());
    }
}
