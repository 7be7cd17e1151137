//! `execution-engine`: runs the router on a bounded synthetic order flow and
//! prints its throughput and a checksum of every routing decision.

use execution_engine::{OrderFlow, RiskLimits, Router, VENUES};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::process::ExitCode;
use std::time::{Duration, Instant};

const USAGE: &str = "\
execution-engine: pre-trade risk checks and smart order routing

USAGE:
    execution-engine [--synthetic N] [--seed S]
    execution-engine --replay FILE

OPTIONS:
    --synthetic N   generate N order-flow messages deterministically, then parse,
                    risk-check and route them (default: 2000000)
    --seed S        seed of the synthetic flow (default: 42)
    --replay FILE   read FIX-like tag=value lines from FILE instead
    -h, --help      print this help
";

const CHUNK: usize = 65_536;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (mut n, mut seed, mut replay) = (2_000_000u64, 42u64, None::<String>);
    while let Some(arg) = args.next() {
        let parsed = match arg.as_str() {
            "-h" | "--help" => {
                print!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            "--synthetic" => args.next().and_then(|v| v.parse().ok()).map(|v| n = v),
            "--seed" => args.next().and_then(|v| v.parse().ok()).map(|v| seed = v),
            "--replay" => args.next().map(|v| replay = Some(v)),
            _ => None,
        };
        if parsed.is_none() {
            eprintln!("error: bad argument {arg:?}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    }

    let wall = Instant::now();
    let mut router = Router::new(RiskLimits::default());
    let mut busy = Duration::ZERO;
    if let Some(path) = replay {
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("error: {path}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let t = Instant::now();
        for line in BufReader::new(file).lines().map_while(Result::ok) {
            router.process_line(&line);
        }
        busy = t.elapsed();
    } else {
        let mut flow = OrderFlow::new(seed);
        let mut buf = Vec::with_capacity(CHUNK * 80);
        let mut left = n;
        while left > 0 {
            let k = left.min(CHUNK as u64) as usize;
            buf.clear();
            flow.write_lines(k, &mut buf);
            let t = Instant::now();
            router.process_text(std::str::from_utf8(&buf).expect("generator writes UTF-8"));
            busy += t.elapsed();
            left -= k as u64;
        }
    }

    let s = &router.stats;
    let secs = busy.as_secs_f64();
    println!(
        "processed {} msgs in {:.3} s: {:.0} msgs/s (parse + risk + route; wall {:.3} s)",
        s.msgs,
        secs,
        s.msgs as f64 / secs.max(1e-9),
        wall.elapsed().as_secs_f64()
    );
    println!(
        "orders {} accepted {} filled qty {} posted qty {} cancels {} expired {} kill-switch trips {} parse errors {} audit bytes {}",
        s.orders, s.accepted, s.filled_qty, s.posted_qty, s.cancels, s.expired, s.kill_switch_trips, s.parse_errors, s.audit_bytes
    );
    let rejects: Vec<String> = router
        .rejects()
        .iter()
        .map(|(r, n)| format!("{r:?}={n}"))
        .collect();
    println!("rejects: {}", rejects.join(" "));
    let fills: Vec<String> = VENUES
        .iter()
        .zip(s.venue_fills)
        .map(|(v, q)| format!("{}={q}", v.name))
        .collect();
    println!("venue fills: {}", fills.join(" "));
    println!("checksum: {:016x}", router.checksum());
    ExitCode::SUCCESS
}
