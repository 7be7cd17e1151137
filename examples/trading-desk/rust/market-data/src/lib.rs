//! Market-data side of the trading desk: a limit order book ([`book`]) kept up to
//! date by a feed handler ([`handler`]) from JSON-lines feed messages, which come
//! from a replayed file or from a deterministic synthetic feed ([`synth`]).

pub mod book;
pub mod handler;
pub mod synth;

pub use book::{AddResult, BookError, Depth, DepthLevel, Fill, OrderBook};
pub use handler::{FeedHandler, FeedStats};
pub use synth::SyntheticFeed;
