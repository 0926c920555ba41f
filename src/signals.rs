//! Deferring SIGINT, SIGTERM and SIGHUP while files are replaced, so an interrupted write finishes
//! instead of leaving half a workspace renamed and temp files beside the targets.
//!
//! [`defer`] blocks the three signals for the calling thread (threads it spawns inherit the mask)
//! until the guard drops; a signal that arrives meanwhile stays pending and, once unblocked, ends
//! the process as it would have, right after the write is whole. An all-or-nothing write that
//! takes a moment is better stopped after it than in its middle.

/// Blocks the signals until dropped.
#[must_use = "the signals are deferred only while the guard lives"]
pub struct Deferred {
    #[cfg(unix)]
    previous: libc::sigset_t,
}

/// Defers SIGINT, SIGTERM and SIGHUP until the returned guard drops.
pub fn defer() -> Deferred {
    #[cfg(unix)]
    {
        // SAFETY: `sigemptyset`/`sigaddset` initialise the sets they are given; `pthread_sigmask`
        // only reads `set` and writes `previous`, both valid for the call.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                libc::sigaddset(&mut set, signal);
            }
            let mut previous: libc::sigset_t = std::mem::zeroed();
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut previous);
            Deferred { previous }
        }
    }
    #[cfg(not(unix))]
    Deferred {}
}

impl Drop for Deferred {
    fn drop(&mut self) {
        #[cfg(unix)]
        // SAFETY: restores the mask saved by `defer`; a pending signal is delivered here.
        unsafe {
            libc::pthread_sigmask(libc::SIG_SETMASK, &self.previous, std::ptr::null_mut());
        }
    }
}

/// Test hook, debug builds only: sends SIGTERM to this process now (the integration tests
/// interrupt a write at a chosen file, `CARGO_PATCH_SIGNAL_AT_WRITE=N`).
#[cfg(all(unix, debug_assertions))]
pub fn terminate_self() {
    // SAFETY: `kill` with our own pid only queues a signal.
    unsafe {
        libc::kill(libc::getpid(), libc::SIGTERM);
    }
}
