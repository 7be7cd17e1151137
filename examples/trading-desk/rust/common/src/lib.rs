//! Shared types for the trading-desk example workspace.
//!
//! * [`types`]: sides, ids, integer-tick prices, quantities, orders, trades, quotes.
//! * [`feed`]: the market-data feed message (`FeedMsg`) as it travels on the wire (JSON lines).
//! * [`rng`]: a small, fast, deterministic PRNG used by the synthetic workloads.
//! * [`checksum`]: an order-sensitive 64-bit checksum so optimized builds can be
//!   verified to produce exactly the same results as unoptimized ones.

pub mod checksum;
pub mod feed;
pub mod rng;
pub mod types;

pub use checksum::Checksum;
pub use feed::FeedMsg;
pub use rng::Rng;
pub use types::{Order, OrderId, Price, PriceParseError, Qty, Quote, Side, Trade, PRICE_SCALE};
