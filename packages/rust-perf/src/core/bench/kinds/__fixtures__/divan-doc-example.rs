// divan 0.1.21's own example (src/lib.rs, the `#[divan::bench]` docs), as a bench file.
use divan::black_box;

#[divan::bench]
fn add() -> i32 {
    black_box(1) + black_box(42)
}

fn main() {
    // Run `add` benchmark:
    divan::main();
}
