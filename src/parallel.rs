//! Order-preserving parallel maps over slices, on scoped threads (no pool to keep alive: each
//! command runs once).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Returns `f` applied to each of `items`, in order, using up to one thread per core (at most 8)
/// when there are at least `min_per_thread` items per thread; the first error (in the order of
/// `items`) wins. Each thread takes the next item as it finishes one, so items of uneven cost
/// keep every core busy.
pub fn try_map<T, R, E>(items: &[T], min_per_thread: usize, f: impl Fn(&T) -> Result<R, E> + Sync) -> Result<Vec<R>, E>
where
    T: Sync,
    R: Send,
    E: Send,
{
    let Some(threads) = threads_for(items.len(), min_per_thread) else { return items.iter().map(&f).collect() };
    let (next, failed) = (AtomicUsize::new(0), AtomicBool::new(false));
    let work = || {
        let mut done = Vec::new();
        while !failed.load(Ordering::Relaxed) {
            let at = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(at) else { break };
            let result = f(item);
            failed.fetch_or(result.is_err(), Ordering::Relaxed);
            done.push((at, result));
        }
        done
    };
    let mut slots: Vec<Option<Result<R, E>>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|_| scope.spawn(|| run_worker(work))).collect();
        for (at, result) in handles.into_iter().flat_map(join) {
            if let Some(slot) = slots.get_mut(at) {
                *slot = Some(result);
            }
        }
    });
    // Items are taken in order and every one taken is finished: only items after the first
    // error can be missing.
    slots.into_iter().flatten().collect()
}

/// Applies `f` to each of `items` in place, the items shared out as [`try_map`] shares them; the
/// first error (in the order of `items`) wins.
pub fn try_for_each_mut<T, E>(
    items: &mut [T],
    min_per_thread: usize,
    f: impl Fn(&mut T) -> Result<(), E> + Sync,
) -> Result<(), E>
where
    T: Send,
    E: Send,
{
    let Some(threads) = threads_for(items.len(), min_per_thread) else { return items.iter_mut().try_for_each(&f) };
    let queue = std::sync::Mutex::new(items.iter_mut().enumerate());
    let failed = AtomicBool::new(false);
    let work = || {
        let mut errors = Vec::new();
        while !failed.load(Ordering::Relaxed) {
            // A worker that panicked while holding the lock is reported by its join.
            let Some((at, item)) = queue.lock().ok().and_then(|mut queue| queue.next()) else { break };
            if let Err(err) = f(item) {
                failed.store(true, Ordering::Relaxed);
                errors.push((at, err));
            }
        }
        errors
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|_| scope.spawn(|| run_worker(work))).collect();
        // Every worker is joined before the first error is returned.
        let errors: Vec<(usize, E)> = handles.into_iter().flat_map(join).collect();
        errors.into_iter().min_by_key(|(at, _)| *at).map_or(Ok(()), |(_, err)| Err(err))
    })
}

/// Returns `f` applied to each item of `items`, in order, with `items` pulled on this thread and,
/// past the first `inline` items, `f` applied on another thread meanwhile, in batches: for a
/// sequential producer (a history walk) whose items take as long again to finish. On one core,
/// or when `items` ends within `inline`, everything runs on this thread. The first error in the
/// order of the items wins.
pub fn map_beside<T, R, E>(
    mut items: impl Iterator<Item = Result<T, E>>,
    inline: usize,
    f: impl Fn(T) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E>
where
    T: Send,
    R: Send,
    E: Send,
{
    const BATCH: usize = 256;
    let mut done = Vec::new();
    for item in items.by_ref().take(inline) {
        done.push(f(item?)?);
    }
    if done.len() < inline || threads_for(2, 1).is_none() {
        for item in items {
            done.push(f(item?)?);
        }
        return Ok(done);
    }
    std::thread::scope(|scope| {
        let (sender, batches) = std::sync::mpsc::channel::<Vec<T>>();
        let f = &f;
        let worker = scope.spawn(move || {
            run_worker(|| {
                let mut results = Vec::new();
                for batch in batches {
                    for item in batch {
                        results.push(f(item)?);
                    }
                }
                Ok(results)
            })
        });
        let mut batch = Vec::with_capacity(BATCH);
        let mut failed = None;
        for item in items {
            match item {
                Ok(item) => batch.push(item),
                Err(err) => {
                    failed = Some(err);
                    break;
                }
            }
            // A worker that failed has hung up: its error comes first.
            if batch.len() == BATCH && sender.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH))).is_err() {
                batch.clear();
                break;
            }
        }
        if !batch.is_empty() {
            let _ = sender.send(batch);
        }
        drop(sender);
        let results = join(worker)?;
        if let Some(err) = failed {
            return Err(err);
        }
        done.extend(results);
        Ok(done)
    })
}

/// Drops `value` on a thread of its own, so that freeing a large structure (a long history's
/// commits, one allocation at a time) does not delay what comes next; the process may exit
/// before it is done, which frees it all at once.
pub fn drop_beside<T: Send + 'static>(value: T) {
    // When no thread can be spawned, the closure, and `value` with it, is dropped here.
    let _detached = std::thread::Builder::new().spawn(move || drop(value));
}

/// Returns how many worker threads share `len` items (one per core, at most 8, each with at
/// least `min_per_thread` items), or `None` when one thread would do all the work alone.
fn threads_for(len: usize, min_per_thread: usize) -> Option<usize> {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get).min(8);
    let threads = cores.min(len / min_per_thread.max(1));
    (threads > 1).then_some(threads)
}

fn run_worker<R>(work: impl FnOnce() -> R) -> R {
    injected_panic();
    work()
}

/// Returns what a worker returned; a panic in it is a bug, carried to this thread unchanged.
fn join<R>(handle: std::thread::ScopedJoinHandle<'_, R>) -> R {
    handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Test hook, debug builds only: `CARGO_PATCH_PANIC=worker` panics in every worker thread, so
/// the integration tests can prove that such a bug is reported, not an exit 101 in silence.
#[cfg(debug_assertions)]
#[expect(clippy::disallowed_methods, reason = "a debug-only fault injection point, read where it acts")]
fn injected_panic() {
    if std::env::var("CARGO_PATCH_PANIC").is_ok_and(|v| v == "worker") {
        panic!("injected panic (CARGO_PATCH_PANIC=worker)");
    }
}

#[cfg(not(debug_assertions))]
fn injected_panic() {}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order_and_reports_errors() {
        let items: Vec<u32> = (0..1000).collect();
        let doubled = super::try_map(&items, 10, |&i| Ok::<_, ()>(i * 2)).unwrap();
        assert_eq!(doubled, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        let failed = super::try_map(&items, 10, |&i| if i == 777 { Err(i) } else { Ok(i) });
        assert_eq!(failed, Err(777));
        // Of several errors, the first in the order of the items, whichever thread met it.
        for _ in 0..20 {
            let failed = super::try_map(&items, 10, |&i| if i % 300 == 299 { Err(i) } else { Ok(i) });
            assert_eq!(failed, Err(299));
        }
    }

    #[test]
    fn changes_every_item_in_place_and_reports_the_first_error() {
        let mut items: Vec<u32> = (0..1000).collect();
        super::try_for_each_mut(&mut items, 10, |i| {
            *i *= 2;
            Ok::<_, ()>(())
        })
        .unwrap();
        assert_eq!(items, (0..1000).map(|i| i * 2).collect::<Vec<_>>());
        let failed =
            super::try_for_each_mut(&mut items, 10, |i| if *i % 600 == 0 && *i > 0 { Err(*i) } else { Ok(()) });
        assert_eq!(failed, Err(600));
    }

    #[test]
    fn maps_beside_a_producer_in_order_and_reports_the_first_error() {
        for inline in [0, 10, 5000] {
            let items = (0..3000u32).map(Ok::<_, u32>);
            let doubled = super::map_beside(items, inline, |i| Ok(i * 2)).unwrap();
            assert_eq!(doubled, (0..3000).map(|i| i * 2).collect::<Vec<_>>(), "{inline}");
            // The worker fails on 700; the producer on 2000, later: the worker's error wins.
            let items = (0..3000u32).map(|i| if i == 2000 { Err(i) } else { Ok(i) });
            assert_eq!(super::map_beside(items, inline, |i| if i == 700 { Err(i) } else { Ok(i) }), Err(700));
            let items = (0..3000u32).map(|i| if i == 2000 { Err(i) } else { Ok(i) });
            assert_eq!(super::map_beside(items, inline, Ok), Err(2000));
        }
    }
}
