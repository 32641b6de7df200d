// The migrations are embedded at compile time; a new or changed one must
// rebuild this crate even when no Rust file changed.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
