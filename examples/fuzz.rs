fn main() {
    std::panic::set_hook(Box::new(|_| {}));
    let mut panics = 0;
    let mut runs = 0;
    for f in std::env::args().skip(1) {
        let b = std::fs::read(&f).unwrap();
        let step = (b.len() / 60).max(1);
        let mut i = 0;
        while i <= b.len() {
            runs += 1;
            let cut = b[..i].to_vec();
            if std::panic::catch_unwind(|| {
                let _ = strata::yaml::Document::read_resources(&cut, &Default::default());
            })
            .is_err()
            {
                panics += 1;
                if panics < 5 {
                    eprintln!(
                        "panic: {f} at {i}: {:?}",
                        String::from_utf8_lossy(&cut[cut.len().saturating_sub(30)..])
                    );
                }
            }
            i += step;
        }
    }
    println!("{runs} runs, {panics} panics");
}
