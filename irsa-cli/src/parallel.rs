//! Work spread over the machine's cores (at most [`MAX_THREADS`]), in chunks of consecutive
//! items taken in turn, so that results can be put back in order.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

/// Threads beyond this many gain nothing: the work left is the file system's.
pub(crate) const MAX_THREADS: usize = 4;

/// How many threads to use for `chunks` chunks of work.
pub(crate) fn threads(chunks: usize) -> usize {
    thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, MAX_THREADS).min(chunks.max(1))
}

/// Runs `check` on `0..count` and returns the failure of the lowest index, as a loop in order
/// would (after a failure, only lower indexes are still checked).
pub(crate) fn first_failure<E: Send>(
    count: usize,
    chunk: usize,
    check: impl Fn(usize) -> Result<(), E> + Sync,
) -> Option<(usize, E)> {
    let chunks = count.div_ceil(chunk);
    let next_chunk = AtomicUsize::new(0);
    // The lowest chunk found failing so far (`usize::MAX`: none); chunks after it are skipped.
    let failed_chunk = AtomicUsize::new(usize::MAX);
    let failures = thread::scope(|scope| {
        let workers: Vec<_> = (0..threads(chunks))
            .map(|_| {
                scope.spawn(|| {
                    loop {
                        let index = next_chunk.fetch_add(1, Ordering::Relaxed);
                        if index >= chunks || index > failed_chunk.load(Ordering::Relaxed) {
                            return None;
                        }
                        let start = index * chunk;
                        let failure = (start..count.min(start + chunk)).find_map(|i| check(i).err().map(|e| (i, e)));
                        if failure.is_some() {
                            failed_chunk.fetch_min(index, Ordering::Relaxed);
                            return failure;
                        }
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .filter_map(|worker| worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect::<Vec<_>>()
    });
    failures.into_iter().min_by_key(|(index, _)| *index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lowest_failure_is_found() {
        for (count, chunk, failing) in
            [(0, 4, vec![]), (10, 3, vec![]), (1000, 7, vec![999]), (1000, 7, vec![5, 900]), (1000, 1, vec![3, 4])]
        {
            let found = first_failure(count, chunk, |i| if failing.contains(&i) { Err(i * 10) } else { Ok(()) });
            assert_eq!(found, failing.first().map(|&i| (i, i * 10)), "count {count} chunk {chunk} failing {failing:?}");
        }
    }
}
