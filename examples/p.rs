fn main() {
    let b = std::fs::read(std::env::args().nth(1).unwrap()).unwrap();
    println!(
        "{:?}",
        strata::yaml::parse_documents(&b, &Default::default())
            .map(|d| d.into_iter().map(|d| d.value).collect::<Vec<_>>())
    );
}
