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

/// A `HashMap` whose hasher has fixed keys. std's `RandomState` draws new keys in every process, which
/// moves probe sequences and so the instructions a run executes (~0.1 % here): counted runs
/// (`perf-report`, `bench --metric=instructions`) of the same binary must repeat exactly. The maps are
/// only looked up, never iterated, so nothing printed depends on the hasher.
pub type FixedHashMap<K, V> = std::collections::HashMap<
    K,
    V,
    std::hash::BuildHasherDefault<std::collections::hash_map::DefaultHasher>,
>;

/// The traded universe of the synthetic feeds: (symbol, initial reference price in ticks, relative
/// traffic weight). market-data and execution-engine draw from the same one.
pub const SYMBOLS: [(&str, i64, u64); 12] = [
    ("ACME", 10_050, 300),
    ("GLOBX", 25_500, 180),
    ("INITECH", 4_210, 120),
    ("UMBRL", 98_700, 90),
    ("HOOLI", 61_025, 70),
    ("STARK", 33_300, 60),
    ("WAYNE", 17_480, 50),
    ("TYRELL", 7_725, 40),
    ("CYBER", 12_990, 30),
    ("OSCORP", 45_600, 25),
    ("VANDLY", 2_315, 20),
    ("SOYLNT", 5_005, 15),
];

/// The symbol whose slice of the cumulative traffic weights holds `point` (0 ≤ point < total weight):
/// how both synthetic feeds draw a symbol with the skew of a real market.
pub fn symbol_at(mut point: u64) -> usize {
    for (i, s) in SYMBOLS.iter().enumerate() {
        if point < s.2 {
            return i;
        }
        point -= s.2;
    }
    SYMBOLS.len() - 1
}
