//! Execution side of the trading desk: client orders arrive as FIX-like tag=value
//! text ([`msg`]), go through pre-trade risk checks ([`risk`]) and are routed to a
//! venue by a simple smart-order-routing rule ([`router`]). [`synth`] generates a
//! deterministic order flow for benchmarks and the `execution-engine` binary.

pub mod msg;
pub mod risk;
pub mod router;
pub mod synth;

pub use msg::{parse_line, Inbound, OrdType, ParseError};
pub use risk::{Reject, RiskLimits, TokenBucket};
pub use router::{Decision, Router, RouterStats, Venue, VENUES};
pub use synth::OrderFlow;
