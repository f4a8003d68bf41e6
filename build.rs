// include_dir! does not notice a file *added* to an embedded folder; tell cargo to rerun.
fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=lints");
}
