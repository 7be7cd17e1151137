use crate::types::{OrderId, Price, Qty, Side};
use serde::{Deserialize, Serialize};

/// One market-data feed message, as sent on the wire (one JSON object per line).
///
/// The message kind is an internal `"type"` tag; symbols are borrowed from the
/// input buffer so parsing a line does not allocate.
///
/// ```text
/// {"type":"add","seq":1,"ts":1000,"sym":"ACME","id":42,"side":"buy","px":"101.25","qty":300}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FeedMsg<'a> {
    /// A new resting (or marketable) limit order.
    Add {
        seq: u64,
        ts: u64,
        #[serde(borrow)]
        sym: &'a str,
        id: OrderId,
        side: Side,
        px: Price,
        qty: Qty,
    },
    /// The order is removed from the book.
    Cancel {
        seq: u64,
        ts: u64,
        #[serde(borrow)]
        sym: &'a str,
        id: OrderId,
    },
    /// The order's price and/or quantity changes.
    Modify {
        seq: u64,
        ts: u64,
        #[serde(borrow)]
        sym: &'a str,
        id: OrderId,
        px: Price,
        qty: Qty,
    },
    /// A resting order was executed (partially or fully) at the venue.
    Trade {
        seq: u64,
        ts: u64,
        #[serde(borrow)]
        sym: &'a str,
        id: OrderId,
        px: Price,
        qty: Qty,
    },
    /// An aggregate price level from a periodic snapshot (qty 0 clears it).
    Snapshot {
        seq: u64,
        ts: u64,
        #[serde(borrow)]
        sym: &'a str,
        side: Side,
        px: Price,
        qty: Qty,
    },
}

impl<'a> FeedMsg<'a> {
    pub fn seq(&self) -> u64 {
        match *self {
            FeedMsg::Add { seq, .. }
            | FeedMsg::Cancel { seq, .. }
            | FeedMsg::Modify { seq, .. }
            | FeedMsg::Trade { seq, .. }
            | FeedMsg::Snapshot { seq, .. } => seq,
        }
    }

    pub fn sym(&self) -> &'a str {
        match *self {
            FeedMsg::Add { sym, .. }
            | FeedMsg::Cancel { sym, .. }
            | FeedMsg::Modify { sym, .. }
            | FeedMsg::Trade { sym, .. }
            | FeedMsg::Snapshot { sym, .. } => sym,
        }
    }

    /// Parses one JSON line (surrounding whitespace allowed).
    pub fn from_json(line: &'a str) -> serde_json::Result<FeedMsg<'a>> {
        serde_json::from_str(line)
    }

    /// Appends this message as one JSON line (with trailing `\n`) to `out`.
    pub fn write_json_line(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        serde_json::to_writer(&mut *out, self)?;
        out.push(b'\n');
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_format_is_tagged_and_round_trips() {
        let msg = FeedMsg::Add {
            seq: 1,
            ts: 1000,
            sym: "ACME",
            id: OrderId(42),
            side: Side::Buy,
            px: Price(10125),
            qty: Qty(300),
        };
        let mut buf = Vec::new();
        msg.write_json_line(&mut buf).unwrap();
        let line = std::str::from_utf8(&buf).unwrap();
        assert_eq!(
            line,
            "{\"type\":\"add\",\"seq\":1,\"ts\":1000,\"sym\":\"ACME\",\"id\":42,\"side\":\"buy\",\"px\":\"101.25\",\"qty\":300}\n"
        );
        assert_eq!(FeedMsg::from_json(line).unwrap(), msg);
    }

    #[test]
    fn accepts_fields_in_any_order_and_rejects_unknown_type() {
        let m =
            FeedMsg::from_json(r#"{"sym":"XYZ","id":9,"type":"cancel","ts":5,"seq":2}"#).unwrap();
        assert_eq!(
            m,
            FeedMsg::Cancel {
                seq: 2,
                ts: 5,
                sym: "XYZ",
                id: OrderId(9)
            }
        );
        assert!(FeedMsg::from_json(r#"{"type":"halt","seq":1}"#).is_err());
    }
}
