use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use execution_engine::{parse_line, OrderFlow, RiskLimits, Router};
use std::hint::black_box;
use std::time::Duration;

const N: usize = 10_000;

fn router(c: &mut Criterion) {
    let mut buf = Vec::new();
    OrderFlow::new(3).write_lines(N, &mut buf);
    let text = String::from_utf8(buf).unwrap();

    let mut group = c.benchmark_group("router");
    group.throughput(Throughput::Elements(N as u64));
    group.bench_function("parse_fix", |b| {
        b.iter(|| {
            black_box(&text)
                .lines()
                .filter(|l| parse_line(l).is_ok())
                .count()
        })
    });
    group.bench_function("parse_risk_route", |b| {
        b.iter_batched_ref(
            || Router::new(RiskLimits::default()),
            |r| {
                r.process_text(black_box(&text));
                r.checksum()
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
    targets = router
}
criterion_main!(benches);
