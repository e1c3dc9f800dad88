//! `--max-memory` for a whole process: the JavaScript heap and wxrun's own buffers (response
//! bodies, socket frames, files read into memory) draw on one budget.
//!
//! - [`CountingAllocator`] is the global allocator of the `wxrun` binary. It counts every Rust
//!   allocation; one that would pass the budget, or that the system refuses, ends the process
//!   at once with wxrun's own message and exit code [`OUT_OF_MEMORY_EXIT`]. Rust cannot carry
//!   on after a failed allocation, and an abort with a backtrace is what users must never see.
//! - QuickJS allocates through [`JsHeap`], which draws on the same budget but stops short of
//!   it, leaving a reserve for wxrun's buffers: past that it answers with no memory, which
//!   QuickJS turns into `InternalError: out of memory` and the host into a clean end of the
//!   run with the same exit code.

use std::{
    alloc::{GlobalAlloc, Layout, System},
    ptr,
    sync::{
        OnceLock,
        atomic::{AtomicUsize, Ordering},
    },
};

/// `--max-memory` when none is given (MiB), for `run`, `app` and each test file.
pub const DEFAULT_MAX_MEMORY_MIB: u64 = 1024;
/// The exit code of a run that ran out of memory.
pub const OUT_OF_MEMORY_EXIT: i32 = 3;

const MIB: usize = 1024 * 1024;
/// The most that the reserve for wxrun's own buffers takes from the JavaScript heap's share.
const MAX_RESERVE: usize = 64 * MIB;

static LIMIT: AtomicUsize = AtomicUsize::new(usize::MAX);
static USED: AtomicUsize = AtomicUsize::new(0);
/// Written before the limit is set, so that running out never needs to allocate.
static MESSAGE: OnceLock<String> = OnceLock::new();

/// Sets the budget of this process, in bytes. Call it once, before the run starts.
pub fn limit_process(bytes: usize) {
    let _ = MESSAGE.set(format!(
        "wxrun: out of memory: the run reached the {} MiB limit (--max-memory counts the JavaScript heap and wxrun's own buffers together)\n",
        bytes / MIB
    ));
    LIMIT.store(bytes, Ordering::Release);
}

/// Bytes in use by the counted allocators.
pub fn used() -> usize {
    USED.load(Ordering::Relaxed)
}

/// What the JavaScript heap may bring the total to: the budget less a reserve.
fn js_ceiling() -> usize {
    let limit = LIMIT.load(Ordering::Relaxed);
    limit - (limit / 8).min(MAX_RESERVE)
}

fn out_of_memory(refused_by_system: bool) -> ! {
    let text = match MESSAGE.get() {
        Some(text) if !refused_by_system => text.as_str(),
        _ => "wxrun: out of memory: the system refused an allocation\n",
    };
    // SAFETY: writing a valid buffer to stderr and ending the process; neither allocates.
    unsafe {
        libc::write(2, text.as_ptr().cast(), text.len());
        libc::_exit(OUT_OF_MEMORY_EXIT)
    }
}

/// Counts `size` more bytes for Rust; past the budget the process ends.
fn take(size: usize) {
    let before = USED.fetch_add(size, Ordering::Relaxed);
    if before.saturating_add(size) > LIMIT.load(Ordering::Relaxed) {
        out_of_memory(false);
    }
}

fn give_back(size: usize) {
    USED.fetch_sub(size, Ordering::Relaxed);
}

/// A Rust allocation, counted; the process ends rather than return nothing.
///
/// # Safety
/// As for [`GlobalAlloc::alloc`].
unsafe fn counted(layout: Layout, zeroed: bool) -> *mut u8 {
    take(layout.size());
    // SAFETY: the caller's layout, as `GlobalAlloc` requires it.
    let memory = unsafe {
        if zeroed {
            System.alloc_zeroed(layout)
        } else {
            System.alloc(layout)
        }
    };
    if memory.is_null() {
        out_of_memory(true);
    }
    memory
}

/// The global allocator of a process whose memory `--max-memory` bounds.
pub struct CountingAllocator;

// SAFETY: every call goes to the system allocator with the caller's layout; the counting
// around it never touches the memory.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as given.
        unsafe { counted(layout, false) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as given.
        unsafe { counted(layout, true) }
    }

    unsafe fn dealloc(&self, memory: *mut u8, layout: Layout) {
        // SAFETY: forwarded as given.
        unsafe { System.dealloc(memory, layout) };
        give_back(layout.size());
    }

    unsafe fn realloc(&self, memory: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            take(new_size - layout.size());
        }
        // SAFETY: forwarded as given.
        let moved = unsafe { System.realloc(memory, layout, new_size) };
        if moved.is_null() {
            out_of_memory(true);
        }
        if new_size < layout.size() {
            give_back(layout.size() - new_size);
        }
        moved
    }
}

/// QuickJS's allocator: the C allocator, as QuickJS's own default uses it, counted against
/// the budget less the reserve.
pub(crate) struct JsHeap;

/// Counts `size` more bytes for JavaScript, or refuses them.
fn js_take(size: usize) -> bool {
    let before = USED.fetch_add(size, Ordering::Relaxed);
    if before.saturating_add(size) > js_ceiling() {
        give_back(size);
        return false;
    }
    true
}

/// The size the C allocator gave a block (at least what was asked for).
///
/// # Safety
/// `memory` must be a live block of the C allocator.
unsafe fn usable(memory: *mut u8) -> usize {
    // SAFETY: the caller's promise.
    unsafe { libc::malloc_usable_size(memory.cast()) }
}

impl JsHeap {
    /// `allocate(size)` for `size` bytes, counted: `size` is reserved first, then corrected to
    /// the block's real size.
    fn counted(size: usize, allocate: impl FnOnce() -> *mut u8) -> *mut u8 {
        if !js_take(size) {
            return ptr::null_mut();
        }
        let memory = allocate();
        if memory.is_null() {
            give_back(size);
            return ptr::null_mut();
        }
        // SAFETY: a live block just made.
        USED.fetch_add(unsafe { usable(memory) } - size, Ordering::Relaxed);
        memory
    }
}

// SAFETY: blocks come from the C allocator, which aligns them for any type, and
// `usable_size` asks it about them.
unsafe impl rquickjs::allocator::Allocator for JsHeap {
    fn alloc(&mut self, size: usize) -> *mut u8 {
        // SAFETY: any size may be asked of malloc.
        JsHeap::counted(size, || unsafe { libc::malloc(size.max(1)).cast() })
    }

    fn calloc(&mut self, count: usize, size: usize) -> *mut u8 {
        let Some(total) = count.checked_mul(size) else {
            return ptr::null_mut();
        };
        // SAFETY: calloc checks its own arguments.
        JsHeap::counted(total, || unsafe {
            libc::calloc(count.max(1), size.max(1)).cast()
        })
    }

    unsafe fn dealloc(&mut self, memory: *mut u8) {
        if memory.is_null() {
            return;
        }
        // SAFETY: QuickJS frees only what this allocator gave it.
        unsafe {
            give_back(usable(memory));
            libc::free(memory.cast());
        }
    }

    unsafe fn realloc(&mut self, memory: *mut u8, new_size: usize) -> *mut u8 {
        if memory.is_null() {
            return self.alloc(new_size);
        }
        // SAFETY: QuickJS reallocates only what this allocator gave it.
        let old_size = unsafe { usable(memory) };
        let growth = new_size.saturating_sub(old_size);
        if !js_take(growth) {
            return ptr::null_mut();
        }
        // SAFETY: a live block of the C allocator.
        let moved: *mut u8 = unsafe { libc::realloc(memory.cast(), new_size.max(1)).cast() };
        if moved.is_null() {
            give_back(growth);
            return ptr::null_mut();
        }
        // Now count the block as it really is: give back what was counted before.
        // SAFETY: a live block just made.
        let now = unsafe { usable(moved) };
        USED.fetch_add(now, Ordering::Relaxed);
        give_back(old_size + growth);
        moved
    }

    unsafe fn usable_size(memory: *mut u8) -> usize {
        // SAFETY: QuickJS asks only about what this allocator gave it.
        unsafe { usable(memory) }
    }
}

#[cfg(test)]
mod tests {
    use rquickjs::allocator::Allocator;

    use super::*;

    #[test]
    fn js_blocks_keep_their_size_and_are_counted_until_freed() {
        let mut heap = JsHeap;
        let block = heap.alloc(100);
        assert!(!block.is_null());
        // SAFETY: a live block of this allocator.
        unsafe {
            assert!(JsHeap::usable_size(block) >= 100);
            block.write_bytes(7, 100);
            let grown = heap.realloc(block, 5000);
            assert!(JsHeap::usable_size(grown) >= 5000);
            assert_eq!(grown.read(), 7, "realloc keeps the contents");
            heap.dealloc(grown);
        }
        let zeroed = heap.calloc(10, 10);
        // SAFETY: a live block of 100 zeroed bytes.
        unsafe {
            assert!((0..100).all(|i| zeroed.add(i).read() == 0));
            heap.dealloc(zeroed);
        }
        assert!(heap.calloc(usize::MAX, 2).is_null());
        assert!(heap.alloc(usize::MAX - 4).is_null());
    }
}
