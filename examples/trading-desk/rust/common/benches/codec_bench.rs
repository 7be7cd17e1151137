use common::{FeedMsg, OrderId, Price, Qty, Rng, Side};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;

const SYMS: [&str; 4] = ["ACME", "GLOBX", "INITECH", "UMBRL"];

fn sample_msgs(n: usize) -> Vec<FeedMsg<'static>> {
    let mut rng = Rng::new(7);
    (0..n as u64)
        .map(|seq| {
            let sym = *rng.pick(&SYMS);
            let id = OrderId(rng.below(1_000_000));
            let px = Price(10_000 + rng.range_i64(-500, 500));
            let qty = Qty(rng.lot_qty());
            match rng.below(100) {
                0..=69 => FeedMsg::Add {
                    seq,
                    ts: seq * 10,
                    sym,
                    id,
                    side: if rng.chance(500) {
                        Side::Buy
                    } else {
                        Side::Sell
                    },
                    px,
                    qty,
                },
                70..=89 => FeedMsg::Cancel {
                    seq,
                    ts: seq * 10,
                    sym,
                    id,
                },
                90..=97 => FeedMsg::Modify {
                    seq,
                    ts: seq * 10,
                    sym,
                    id,
                    px,
                    qty,
                },
                _ => FeedMsg::Trade {
                    seq,
                    ts: seq * 10,
                    sym,
                    id,
                    px,
                    qty,
                },
            }
        })
        .collect()
}

fn codec(c: &mut Criterion) {
    let msgs = sample_msgs(1000);
    let mut encoded = Vec::new();
    for m in &msgs {
        m.write_json_line(&mut encoded).unwrap();
    }
    let text = String::from_utf8(encoded.clone()).unwrap();

    let mut group = c.benchmark_group("codec");
    group.throughput(Throughput::Elements(msgs.len() as u64));
    group.bench_function("encode_json", |b| {
        let mut buf = Vec::with_capacity(encoded.len());
        b.iter(|| {
            buf.clear();
            for m in &msgs {
                m.write_json_line(&mut buf).unwrap();
            }
            black_box(buf.len())
        })
    });
    group.bench_function("decode_json", |b| {
        b.iter(|| {
            let mut seq_sum = 0u64;
            for line in text.lines() {
                seq_sum = seq_sum.wrapping_add(FeedMsg::from_json(black_box(line)).unwrap().seq());
            }
            seq_sum
        })
    });
    group.bench_function("parse_price", |b| {
        b.iter(|| Price::parse(black_box("10123.45")).unwrap())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = codec
}
criterion_main!(benches);
