//! cargo-patch: a cargo subcommand that carries a Rust workspace through a disciplined patch and
//! release process.
//!
//! The layers, and the one rule between them (dependencies point down only):
//!
//! ```text
//! main.rs -> cli/ (parse, print) -> ops/ (load the context, build a Plan; no printing)
//!                                     |
//!   domain: workspace/ version git/ conventional changes release_tag changelog/ hotfix/ hooks
//!                                     |
//!   plan/apply.rs: the only code that writes files; plan/transaction.rs: runs a release
//! ```
//!
//! - [`cli`]: clap types, one module per command; converts flags to options and renders results.
//! - [`ops`]: the work of each command as data (`bump::plan` returns a `BumpPlan`).
//! - [`workspace`]: members from `cargo metadata --no-deps`, manifests as text with spans,
//!   `Cargo.lock`, and the `[workspace.metadata.patch-release]` configuration.
//! - [`version`]: bump levels, pre-release stepping and requirement rewriting.
//! - [`git`]: the questions asked of git: dirty files (the git CLI), history (gix), the diff, and
//!   the files the commit-msg hook reads directly (config, HEAD, the message git will record).
//! - [`conventional`]: Conventional Commits parsing, severity, cherry-pick trailers, levels.
//! - [`changes`]: the conventional changes of a range, as `status` and `notes` list them.
//! - [`release_commit`]: which commits are release commits, and whether one changes only versions.
//! - [`release_tag`]: tag formats, release tags and the latest stable release.
//! - [`changelog`]: git-cliff configuration, releases grouped as git-cliff groups them, rendering.
//! - [`hotfix`]: slugs, the hunk-level diff of a branch and the hotfix policy (rules as data).
//! - [`hooks`]: the git hook scripts and where and how they are installed.
//! - [`plan`]: the changes a command would make; rendered for `--dry-run`, applied atomically;
//!   the release journal and lock, and the release transaction (undo before the push, resume
//!   after it).
//! - [`release_window`]: when releases may happen.
//! - [`shell`]: the only writer to the terminal; [`error`]: exit codes and `help:` lines;
//!   [`fs`]: reads and atomic writes with the path in every error; [`parallel`]: ordered
//!   parallel maps; [`signals`]: SIGINT/SIGTERM deferred while files are replaced; [`date`]:
//!   calendar dates for release headers; [`diagnostics`]: warnings
//!   from the domain layers (a malformed tag skipped), printed by `cli` after the command.

pub mod changelog;
pub mod changes;
pub mod cli;
pub mod conventional;
pub mod date;
pub mod diagnostics;
pub mod error;
pub mod fs;
pub mod git;
pub mod hooks;
pub mod hotfix;
pub mod notify;
pub mod ops;
pub mod parallel;
pub mod plan;
pub mod published;
pub mod release_commit;
pub mod release_hook;
pub mod release_tag;
pub mod release_window;
pub mod replace;
pub mod shell;
pub mod signals;
pub mod version;
pub mod workspace;
