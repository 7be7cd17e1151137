//! `market-data`: runs the feed handler on a bounded workload and prints its
//! throughput and a checksum of all top-of-book updates and fills.

use market_data::{FeedHandler, SyntheticFeed};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

const USAGE: &str = "\
market-data: limit order book fed by JSON-lines market data

USAGE:
    market-data [--synthetic N] [--seed S] [--dump FILE]
    market-data --replay FILE

OPTIONS:
    --synthetic N   generate N messages deterministically, encode them as JSON
                    lines, then parse and apply them (default: 2000000)
    --seed S        seed of the synthetic feed (default: 42)
    --dump FILE     also write the synthetic feed to FILE (for --replay)
    --replay FILE   read a JSON-lines feed file instead
    -h, --help      print this help
";

/// Messages generated per batch: keeps memory bounded for any N.
const CHUNK: usize = 65_536;

enum Mode {
    Synthetic {
        n: u64,
        seed: u64,
        dump: Option<String>,
    },
    Replay {
        path: String,
    },
}

fn parse_args() -> Result<Mode, String> {
    let mut args = std::env::args().skip(1);
    let (mut n, mut seed, mut dump, mut replay) = (2_000_000u64, 42u64, None, None);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => {
                print!("{USAGE}");
                std::process::exit(0);
            }
            "--synthetic" => {
                n = value("--synthetic")?
                    .parse()
                    .map_err(|e| format!("--synthetic: {e}"))?
            }
            "--seed" => {
                seed = value("--seed")?
                    .parse()
                    .map_err(|e| format!("--seed: {e}"))?
            }
            "--dump" => dump = Some(value("--dump")?),
            "--replay" => replay = Some(value("--replay")?),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(match replay {
        Some(path) => Mode::Replay { path },
        None => Mode::Synthetic { n, seed, dump },
    })
}

fn run_synthetic(
    n: u64,
    seed: u64,
    dump: Option<&str>,
) -> std::io::Result<(FeedHandler, Duration)> {
    let mut feed = SyntheticFeed::new(seed);
    let mut handler = FeedHandler::new();
    let mut dump = dump.map(File::create).transpose()?.map(BufWriter::new);
    let mut buf = Vec::with_capacity(CHUNK * 128);
    let mut busy = Duration::ZERO;
    let mut left = n;
    while left > 0 {
        let k = left.min(CHUNK as u64) as usize;
        buf.clear();
        feed.write_json_lines(k, &mut buf);
        if let Some(w) = dump.as_mut() {
            w.write_all(&buf)?;
        }
        let t = Instant::now();
        let text = std::str::from_utf8(&buf).expect("serde_json writes UTF-8");
        handler.process_text(text);
        busy += t.elapsed();
        left -= k as u64;
    }
    if let Some(mut w) = dump {
        w.flush()?;
    }
    Ok((handler, busy))
}

fn run_replay(path: &str) -> std::io::Result<(FeedHandler, Duration)> {
    let mut reader = BufReader::with_capacity(1 << 20, File::open(path)?);
    let mut handler = FeedHandler::new();
    let mut line = String::new();
    let t = Instant::now();
    while reader.read_line(&mut line)? > 0 {
        handler.process_line(&line);
        line.clear();
    }
    Ok((handler, t.elapsed()))
}

fn main() -> ExitCode {
    let mode = match parse_args() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let wall = Instant::now();
    let result = match &mode {
        Mode::Synthetic { n, seed, dump } => run_synthetic(*n, *seed, dump.as_deref()),
        Mode::Replay { path } => run_replay(path),
    };
    let (handler, busy) = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let s = &handler.stats;
    let secs = busy.as_secs_f64();
    println!(
        "processed {} msgs in {:.3} s: {:.0} msgs/s (parse + apply; wall {:.3} s)",
        s.msgs,
        secs,
        s.msgs as f64 / secs.max(1e-9),
        wall.elapsed().as_secs_f64()
    );
    println!(
        "mix: {} add, {} cancel, {} modify, {} trade, {} snapshot; {} fills ({} qty); \
         {} unknown orders, {} rejects, {} parse errors, {} seq gaps",
        s.adds,
        s.cancels,
        s.modifies,
        s.trades,
        s.snapshots,
        s.fills,
        s.filled_qty,
        s.unknown_orders,
        s.rejects,
        s.parse_errors,
        s.seq_gaps
    );
    for sym in handler.symbols().iter().take(3) {
        let q = sym.book.quote();
        println!(
            "{:<8} bid {} x {}  ask {} x {}  orders {}  volume {}  vwap {:.2}",
            sym.name,
            q.bid_px,
            q.bid_qty.0,
            q.ask_px,
            q.ask_qty.0,
            sym.book.order_count(),
            sym.volume,
            sym.vwap().unwrap_or(0.0) / common::PRICE_SCALE as f64
        );
    }
    println!("checksum: {:016x}", handler.checksum());
    ExitCode::SUCCESS
}
