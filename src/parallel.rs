//! Order-preserving parallel maps over slices, on scoped threads (no pool to keep alive: each
//! command runs once).

/// Returns `f` applied to each of `items`, in order, using up to one thread per core (at most 8)
/// when there are at least `min_per_thread` items per thread; the first error wins.
pub fn try_map<T, R, E>(items: &[T], min_per_thread: usize, f: impl Fn(&T) -> Result<R, E> + Sync) -> Result<Vec<R>, E>
where
    T: Sync,
    R: Send,
    E: Send,
{
    let run = |part: &[T]| part.iter().map(&f).collect::<Result<Vec<R>, E>>();
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get).min(8);
    if threads == 1 || items.len() < 2 * min_per_thread.max(1) {
        return run(items);
    }
    let chunk = items.len().div_ceil(threads).max(min_per_thread);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    injected_panic();
                    run(part)
                })
            })
            .collect();
        let mut results = Vec::with_capacity(items.len());
        for handle in handles {
            // A panic in `f` is a bug: carry it to this thread unchanged.
            results.extend(handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))?);
        }
        Ok(results)
    })
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
    }
}
