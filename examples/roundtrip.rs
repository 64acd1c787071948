use strata::yaml::*;
fn main() {
    let mut ok = 0;
    let mut bad = 0;
    for f in std::env::args().skip(1) {
        let src = std::fs::read(&f).unwrap();
        let docs = match parse_documents(&src, &ParseOptions::default()) {
            Ok(d) => d,
            Err(e) => {
                println!("PARSE {f}: {e}");
                bad += 1;
                continue;
            }
        };
        let vals: Vec<&Value> = docs.iter().map(|d| &d.value).collect();
        match emit_stream(vals) {
            Ok(out) if out.as_bytes() == &src[..] => ok += 1,
            Ok(out) => {
                bad += 1;
                let s = String::from_utf8_lossy(&src);
                for (i, (a, b)) in s.lines().zip(out.lines()).enumerate() {
                    if a != b {
                        println!("DIFF {f}:{}: {:?} vs {:?}", i + 1, a, b);
                        break;
                    }
                }
            }
            Err(e) => {
                println!("EMIT {f}: {e}");
                bad += 1
            }
        }
    }
    println!("{ok} ok, {bad} bad");
}
