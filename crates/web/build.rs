//! The NHS.UK frontend's compiled CSS, JS and images come from npm (`nhsuk-frontend`, pinned by
//! package-lock.json) and are compiled into the binary. This checks they are installed.

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../node_modules/nhsuk-frontend/dist/nhsuk");
    println!("cargo:rerun-if-changed={}", root.display());
    if !root.join("nhsuk-frontend.min.css").exists() {
        panic!(
            "the NHS.UK frontend is not installed at {}: run `npm ci` in the repository root first (scripts/demo and scripts/test do it for you)",
            root.display()
        );
    }
}
