//! Rebuilds when anything under `static/` changes: the dashboard is embedded
//! in every build, and a file added or removed there is not otherwise a
//! dependency the compiler knows of.

fn main() {
    println!("cargo:rerun-if-changed=static");
}
