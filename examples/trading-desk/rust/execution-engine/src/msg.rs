//! A small FIX-like wire format: `tag=value` fields separated by `|`, one
//! message per line. Only the tags the router needs are understood:
//!
//! | tag | meaning                       | tag | meaning                     |
//! |-----|-------------------------------|-----|-----------------------------|
//! | 35  | msg type (D new, F cancel, W reference price, Q venue quote, K kill switch) | 11 | client order id |
//! | 41  | original order id (cancel)    | 55  | symbol                      |
//! | 54  | side (1 buy, 2 sell)          | 44  | price                       |
//! | 38  | quantity                      | 40  | order type (1 market, 2 limit) |
//! | 60  | timestamp (µs)                | 100 | venue                       |
//! | 132/133 | bid/ask price             | 134/135 | bid/ask size            |
//! | 58  | text (`on`/`off` for K)       |     |                             |

use common::{OrderId, Price, Side};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrdType {
    Market,
    Limit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inbound<'a> {
    NewOrder {
        id: OrderId,
        sym: &'a str,
        side: Side,
        ord_type: OrdType,
        px: Price,
        qty: u64,
        ts: u64,
    },
    Cancel {
        id: OrderId,
        orig: OrderId,
        sym: &'a str,
        ts: u64,
    },
    RefPrice {
        sym: &'a str,
        px: Price,
        ts: u64,
    },
    VenueQuote {
        sym: &'a str,
        venue: &'a str,
        bid: Price,
        ask: Price,
        bid_size: u64,
        ask_size: u64,
        ts: u64,
    },
    KillSwitch {
        on: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    MissingMsgType,
    UnknownMsgType(String),
    MissingField(u32),
    BadField(u32),
    BadTag,
}

#[inline]
fn parse_u64(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 19 {
        return None;
    }
    let mut v: u64 = 0;
    for b in s.bytes() {
        match b {
            b'0'..=b'9' => v = v * 10 + (b - b'0') as u64,
            _ => return None,
        }
    }
    Some(v)
}

#[inline]
fn parse_tag(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 5 {
        return None;
    }
    let mut v: u32 = 0;
    for b in s.bytes() {
        match b {
            b'0'..=b'9' => v = v * 10 + (b - b'0') as u32,
            _ => return None,
        }
    }
    Some(v)
}

#[derive(Default)]
struct Fields<'a> {
    msg_type: Option<&'a str>,
    id: Option<&'a str>,
    orig: Option<&'a str>,
    sym: Option<&'a str>,
    side: Option<&'a str>,
    px: Option<&'a str>,
    qty: Option<&'a str>,
    ord_type: Option<&'a str>,
    ts: Option<&'a str>,
    venue: Option<&'a str>,
    bid: Option<&'a str>,
    ask: Option<&'a str>,
    bid_size: Option<&'a str>,
    ask_size: Option<&'a str>,
    text: Option<&'a str>,
}

fn req(v: Option<&str>, tag: u32) -> Result<&str, ParseError> {
    v.ok_or(ParseError::MissingField(tag))
}

fn num(v: Option<&str>, tag: u32) -> Result<u64, ParseError> {
    parse_u64(req(v, tag)?).ok_or(ParseError::BadField(tag))
}

fn price(v: Option<&str>, tag: u32) -> Result<Price, ParseError> {
    Price::parse(req(v, tag)?).map_err(|_| ParseError::BadField(tag))
}

/// Parses one message line (without the trailing newline).
pub fn parse_line(line: &str) -> Result<Inbound<'_>, ParseError> {
    let mut f = Fields::default();
    for field in line.trim_end().split('|') {
        if field.is_empty() {
            continue;
        }
        let (tag, value) = field.split_once('=').ok_or(ParseError::BadTag)?;
        let slot = match parse_tag(tag).ok_or(ParseError::BadTag)? {
            35 => &mut f.msg_type,
            11 => &mut f.id,
            41 => &mut f.orig,
            55 => &mut f.sym,
            54 => &mut f.side,
            44 => &mut f.px,
            38 => &mut f.qty,
            40 => &mut f.ord_type,
            60 => &mut f.ts,
            100 => &mut f.venue,
            132 => &mut f.bid,
            133 => &mut f.ask,
            134 => &mut f.bid_size,
            135 => &mut f.ask_size,
            58 => &mut f.text,
            _ => continue, // unknown tags are ignored, as FIX engines do
        };
        *slot = Some(value);
    }
    let ts =
        f.ts.map_or(Ok(0), |t| parse_u64(t).ok_or(ParseError::BadField(60)))?;
    match f.msg_type.ok_or(ParseError::MissingMsgType)? {
        "D" => {
            let side = match req(f.side, 54)? {
                "1" => Side::Buy,
                "2" => Side::Sell,
                _ => return Err(ParseError::BadField(54)),
            };
            let ord_type = match f.ord_type.unwrap_or("2") {
                "1" => OrdType::Market,
                "2" => OrdType::Limit,
                _ => return Err(ParseError::BadField(40)),
            };
            let px = match ord_type {
                OrdType::Limit => price(f.px, 44)?,
                OrdType::Market => Price(0),
            };
            Ok(Inbound::NewOrder {
                id: OrderId(num(f.id, 11)?),
                sym: req(f.sym, 55)?,
                side,
                ord_type,
                px,
                qty: num(f.qty, 38)?,
                ts,
            })
        }
        "F" => Ok(Inbound::Cancel {
            id: OrderId(num(f.id, 11)?),
            orig: OrderId(num(f.orig, 41)?),
            sym: req(f.sym, 55)?,
            ts,
        }),
        "W" => Ok(Inbound::RefPrice {
            sym: req(f.sym, 55)?,
            px: price(f.px, 44)?,
            ts,
        }),
        "Q" => Ok(Inbound::VenueQuote {
            sym: req(f.sym, 55)?,
            venue: req(f.venue, 100)?,
            bid: price(f.bid, 132)?,
            ask: price(f.ask, 133)?,
            bid_size: num(f.bid_size, 134)?,
            ask_size: num(f.ask_size, 135)?,
            ts,
        }),
        "K" => match req(f.text, 58)? {
            "on" => Ok(Inbound::KillSwitch { on: true }),
            "off" => Ok(Inbound::KillSwitch { on: false }),
            _ => Err(ParseError::BadField(58)),
        },
        other => Err(ParseError::UnknownMsgType(other.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_new_order_and_ignores_unknown_tags() {
        let m = parse_line("35=D|11=7|55=ACME|54=2|40=2|44=101.25|38=300|60=99|9999=x\n").unwrap();
        assert_eq!(
            m,
            Inbound::NewOrder {
                id: OrderId(7),
                sym: "ACME",
                side: Side::Sell,
                ord_type: OrdType::Limit,
                px: Price(10125),
                qty: 300,
                ts: 99
            }
        );
        let m = parse_line("35=D|11=8|55=ACME|54=1|40=1|38=10").unwrap();
        assert!(matches!(
            m,
            Inbound::NewOrder {
                ord_type: OrdType::Market,
                px: Price(0),
                ..
            }
        ));
    }

    #[test]
    fn reports_errors() {
        assert_eq!(parse_line("11=7|55=ACME"), Err(ParseError::MissingMsgType));
        assert_eq!(
            parse_line("35=D|11=7|55=ACME|54=3|38=1|44=1"),
            Err(ParseError::BadField(54))
        );
        assert_eq!(
            parse_line("35=D|11=7|55=ACME|54=1|44=1.5"),
            Err(ParseError::MissingField(38))
        );
        assert_eq!(parse_line("35=D|x=1"), Err(ParseError::BadTag));
        assert_eq!(
            parse_line("35=Z"),
            Err(ParseError::UnknownMsgType("Z".into()))
        );
        assert_eq!(
            parse_line("35=K|58=on"),
            Ok(Inbound::KillSwitch { on: true })
        );
    }
}
