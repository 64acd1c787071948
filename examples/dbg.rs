fn main() {
    let dir = std::env::args().nth(1).unwrap();
    match strata::build::build_dir(std::path::Path::new(&dir), &Default::default()) {
        Ok(o) => {
            for r in &o.resources {
                println!("{}", r.cur_id());
            }
        }
        Err(e) => println!("ERR {e}"),
    }
}
