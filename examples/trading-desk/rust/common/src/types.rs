use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Number of ticks per currency unit: prices are integer cents.
pub const PRICE_SCALE: i64 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Buy,
    Sell,
}

impl Side {
    #[inline]
    pub fn opposite(self) -> Side {
        match self {
            Side::Buy => Side::Sell,
            Side::Sell => Side::Buy,
        }
    }

    /// +1 for buys, -1 for sells (signed position arithmetic).
    #[inline]
    pub fn sign(self) -> i64 {
        match self {
            Side::Buy => 1,
            Side::Sell => -1,
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct OrderId(pub u64);

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Qty(pub u64);

impl Qty {
    #[inline]
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }
}

/// A price in integer ticks (1 tick = 1 / [`PRICE_SCALE`]).
///
/// On the wire a price is a decimal string such as `"101.25"`, as most
/// exchange feeds send it; parsing it is part of the feed handler's hot path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Price(pub i64);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PriceParseError {
    Empty,
    InvalidChar(char),
    TooManyDecimals,
    Overflow,
}

impl fmt::Display for PriceParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PriceParseError::Empty => write!(f, "empty price"),
            PriceParseError::InvalidChar(c) => write!(f, "invalid character {c:?} in price"),
            PriceParseError::TooManyDecimals => write!(f, "price finer than one tick"),
            PriceParseError::Overflow => write!(f, "price overflow"),
        }
    }
}

impl std::error::Error for PriceParseError {}

impl Price {
    #[inline]
    pub fn ticks(self) -> i64 {
        self.0
    }

    /// Parses `"123"`, `"123.4"`, `"123.45"`, `"-0.05"`, `"+7.10"`; trailing zero
    /// decimals beyond the tick size are accepted (`"1.2500"`), others rejected.
    pub fn parse(s: &str) -> Result<Price, PriceParseError> {
        let bytes = s.as_bytes();
        if bytes.is_empty() {
            return Err(PriceParseError::Empty);
        }
        let (neg, digits) = match bytes[0] {
            b'-' => (true, &bytes[1..]),
            b'+' => (false, &bytes[1..]),
            _ => (false, bytes),
        };
        if digits.is_empty() {
            return Err(PriceParseError::Empty);
        }
        let mut int_part: i64 = 0;
        let mut frac: i64 = 0;
        let mut frac_digits = 0u32;
        let mut seen_dot = false;
        for &b in digits {
            match b {
                b'0'..=b'9' => {
                    let d = (b - b'0') as i64;
                    if seen_dot {
                        if frac_digits < 2 {
                            frac = frac * 10 + d;
                            frac_digits += 1;
                        } else if d != 0 {
                            return Err(PriceParseError::TooManyDecimals);
                        }
                    } else {
                        int_part = int_part
                            .checked_mul(10)
                            .and_then(|v| v.checked_add(d))
                            .ok_or(PriceParseError::Overflow)?;
                    }
                }
                b'.' if !seen_dot => seen_dot = true,
                other => return Err(PriceParseError::InvalidChar(other as char)),
            }
        }
        while frac_digits < 2 {
            frac *= 10;
            frac_digits += 1;
        }
        let ticks = int_part
            .checked_mul(PRICE_SCALE)
            .and_then(|v| v.checked_add(frac))
            .ok_or(PriceParseError::Overflow)?;
        Ok(Price(if neg { -ticks } else { ticks }))
    }
}

impl fmt::Display for Price {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let scale = PRICE_SCALE as u64;
        write!(f, "{sign}{}.{:02}", abs / scale, abs % scale)
    }
}

impl Serialize for Price {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

struct PriceVisitor;

impl<'de> Visitor<'de> for PriceVisitor {
    type Value = Price;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal price string like \"101.25\" or an integer number of ticks")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Price, E> {
        Price::parse(v).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Price, E> {
        Ok(Price(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Price, E> {
        i64::try_from(v)
            .map(Price)
            .map_err(|_| E::custom("price overflow"))
    }
}

impl<'de> Deserialize<'de> for Price {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Price, D::Error> {
        deserializer.deserialize_any(PriceVisitor)
    }
}

/// A client order as seen by the execution engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: OrderId,
    pub sym: String,
    pub side: Side,
    pub px: Price,
    pub qty: Qty,
}

/// An execution: `aggressor` is the side that crossed the spread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trade {
    pub sym: String,
    pub maker: OrderId,
    pub taker: OrderId,
    pub aggressor: Side,
    pub px: Price,
    pub qty: Qty,
}

/// Top of book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Quote {
    pub bid_px: Price,
    pub bid_qty: Qty,
    pub ask_px: Price,
    pub ask_qty: Qty,
}

impl Quote {
    pub fn mid(&self) -> Option<Price> {
        if self.bid_qty.is_zero() || self.ask_qty.is_zero() {
            None
        } else {
            Some(Price((self.bid_px.0 + self.ask_px.0) / 2))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn price_parse_and_format_round_trip() {
        assert_eq!(Price::parse("101.25"), Ok(Price(10125)));
        assert_eq!(Price::parse("101.2"), Ok(Price(10120)));
        assert_eq!(Price::parse("101"), Ok(Price(10100)));
        assert_eq!(Price::parse("-0.05"), Ok(Price(-5)));
        assert_eq!(Price::parse("7.1000"), Ok(Price(710)));
        assert_eq!(Price::parse("7.101"), Err(PriceParseError::TooManyDecimals));
        assert_eq!(Price::parse("7a"), Err(PriceParseError::InvalidChar('a')));
        assert_eq!(Price::parse(""), Err(PriceParseError::Empty));
        assert_eq!(Price(10125).to_string(), "101.25");
        assert_eq!(Price(-5).to_string(), "-0.05");
        assert_eq!(Price(700).to_string(), "7.00");
    }

    #[test]
    fn order_serde_round_trip() {
        let o = Order {
            id: OrderId(7),
            sym: "ACME".into(),
            side: Side::Sell,
            px: Price(9999),
            qty: Qty(300),
        };
        let json = serde_json::to_string(&o).unwrap();
        assert_eq!(
            json,
            r#"{"id":7,"sym":"ACME","side":"sell","px":"99.99","qty":300}"#
        );
        let back: Order = serde_json::from_str(&json).unwrap();
        assert_eq!(back, o);
    }
}
