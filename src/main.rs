//! The `cargo-patch` binary: run as `cargo patch <command>` or `cargo-patch <command>`.

fn main() {
    std::process::exit(cargo_patch::cli::main(std::env::args_os()));
}
