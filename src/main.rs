//! The `cargo-patch` binary: run as `cargo patch <command>` or `cargo-patch <command>`.

fn main() {
    std::panic::set_hook(Box::new(|info| {
        // git-cliff-core feeds `replace_command` processes from a helper thread that panics when
        // the process exits without reading (e.g. the command is not installed); the failure
        // itself reaches us as the command's error, so such a panic is noise for the user.
        if std::thread::current().name() == Some("main") {
            #[expect(clippy::print_stderr, reason = "the last resort when a bug panics: no shell exists here")]
            {
                eprintln!("error: cargo-patch crashed: {info}");
                eprintln!("help: please report this at https://github.com/cargo-patch/cargo-patch/issues");
            }
        }
    }));
    std::process::exit(cargo_patch::cli::main(std::env::args_os()));
}
