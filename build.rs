//! Links the `cargo-patch` binary as a position-dependent executable on Linux with glibc.
//!
//! Every commit runs the commit-msg hook and every push `check`, so the program's start counts.
//! As a position-independent executable, the dynamic loader applies about 62,000 relative
//! relocations before `main`, each a write into 1.6 MB of read-only-after-relocation data that
//! is copied page by page: half of what `cargo-patch --version` costs (measured with perf; see
//! README.md, "Hotfix discipline"). Linked with `-no-pie`, those addresses are fixed at link time
//! and the pages are read only when used. Shared libraries, the heap and the stack stay
//! randomised. Building with `CARGO_PATCH_PIE=1` keeps the toolchain's default, a PIE (for a
//! distribution whose policy requires one).

#[expect(clippy::disallowed_methods, reason = "a build script reads cargo's variables from its environment")]
fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=CARGO_PATCH_PIE");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    let pie = std::env::var("CARGO_PATCH_PIE").is_ok_and(|value| !value.is_empty() && value != "0");
    if os == "linux" && env == "gnu" && !pie {
        println!("cargo::rustc-link-arg-bins=-no-pie");
    }
}
