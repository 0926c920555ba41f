//! The `cargo-patch` binary: run as `cargo patch <command>` or `cargo-patch <command>`.

fn main() {
    std::panic::set_hook(Box::new(report_panic));
    std::process::exit(cargo_patch::cli::main(std::env::args_os()));
}

/// The one panic hook, for every thread: a bug is reported in cargo's shape with a request for a
/// bug report. A panic in a worker thread reaches the main thread through `resume_unwind`, which
/// runs no hook, so the worker's own report is the only one the user gets.
fn report_panic(info: &std::panic::PanicHookInfo<'_>) {
    // git-cliff-core feeds `replace_command` processes from a helper thread that panics when the
    // process exits without reading (e.g. the command is not installed); that failure reaches us
    // as the command's error, so this one panic is noise.
    if info.location().is_some_and(|l| l.file().contains("git-cliff-core") && l.file().ends_with("command.rs")) {
        return;
    }
    // Every worker may hit the same bug; one report says it.
    static REPORTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if REPORTED.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    let message = info
        .payload()
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned());
    let thread = std::thread::current();
    let location = info.location().map_or_else(String::new, |l| format!(" at {}:{}", l.file(), l.line()));
    #[expect(clippy::print_stderr, reason = "the last resort when a bug panics: no shell exists here")]
    {
        eprintln!("error: cargo-patch panicked: {message}");
        eprintln!("note: in thread `{}`{location}", thread.name().unwrap_or("<unnamed>"));
        eprintln!(
            "help: this is a bug; please report it at https://github.com/cargo-patch/cargo-patch/issues \
             with the command you ran and `cargo patch --version`"
        );
    }
}
