use common::FeedMsg;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use market_data::{FeedHandler, OrderBook, SyntheticFeed};
use std::hint::black_box;
use std::time::Duration;

const N: usize = 5_000;

/// Applies decoded messages for one symbol directly to an order book.
fn apply_all(
    book: &mut OrderBook,
    msgs: &[FeedMsg<'static>],
    fills: &mut Vec<market_data::Fill>,
) -> u64 {
    let mut acc = 0u64;
    for m in msgs {
        fills.clear();
        let _ = match *m {
            FeedMsg::Add {
                id, side, px, qty, ..
            } => book.add(id, side, px, qty.0, fills).map(|r| r.filled),
            FeedMsg::Cancel { id, .. } => book.cancel(id),
            FeedMsg::Modify { id, px, qty, .. } => {
                book.modify(id, px, qty.0, fills).map(|r| r.filled)
            }
            FeedMsg::Trade { id, qty, .. } => book.execute(id, qty.0).map(|r| r.2),
            FeedMsg::Snapshot { side, px, qty, .. } => {
                book.set_implied(side, px, qty.0);
                Ok(0)
            }
        };
        acc = acc.wrapping_add(book.best_bid().map_or(0, |b| b.0 .0 as u64));
        acc = acc.wrapping_add(fills.len() as u64);
    }
    acc
}

fn orderbook(c: &mut Criterion) {
    // Messages of the busiest symbol only, so one book sees the whole flow.
    let msgs: Vec<FeedMsg<'static>> = SyntheticFeed::new(1)
        .filter(|m| m.sym() == "ACME")
        .take(N)
        .collect();
    let mut group = c.benchmark_group("orderbook");
    group.throughput(Throughput::Elements(msgs.len() as u64));
    group.bench_function("add_cancel_match", |b| {
        let mut fills = Vec::new();
        b.iter_batched_ref(
            OrderBook::new,
            |book| apply_all(book, black_box(&msgs), &mut fills),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn parse(c: &mut Criterion) {
    let mut text = Vec::new();
    SyntheticFeed::new(2).write_json_lines(N, &mut text);
    let text = String::from_utf8(text).unwrap();
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Elements(N as u64));
    group.bench_function("feed_json", |b| {
        b.iter(|| {
            let mut acc = 0u64;
            for line in black_box(&text).lines() {
                acc = acc.wrapping_add(FeedMsg::from_json(line).unwrap().seq());
            }
            acc
        })
    });
    group.bench_function("feed_json_and_apply", |b| {
        b.iter_batched_ref(
            FeedHandler::new,
            |h| {
                h.process_text(black_box(&text));
                h.checksum()
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = orderbook, parse
}
criterion_main!(benches);
