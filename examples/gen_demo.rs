//! Regenerates `assets/demo/*.har`, the synthetic captures of the built-in
//! demo case: `cargo run --example gen_demo`.

fn main() -> std::io::Result<()> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    std::fs::create_dir_all(&dir)?;
    for capture in telltale::demo::demo_captures() {
        let path = dir.join(capture.file_name);
        std::fs::write(&path, &capture.bytes)?;
        println!("wrote {} ({} bytes)", path.display(), capture.bytes.len());
    }
    Ok(())
}
