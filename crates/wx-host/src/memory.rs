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

/// QuickJS's allocator: the budget less the reserve, with the size kept in a header for
/// `usable_size`.
pub(crate) struct JsHeap;

/// The header before each block: its size, aligned as QuickJS wants its blocks aligned.
const HEADER: usize = 16;

fn block_layout(size: usize) -> Option<Layout> {
    Layout::from_size_align(size.checked_add(HEADER)?, HEADER).ok()
}

/// Counts `size` more bytes for JavaScript, or refuses them.
fn js_take(size: usize) -> bool {
    let before = USED.fetch_add(size, Ordering::Relaxed);
    if before.saturating_add(size) > js_ceiling() {
        give_back(size);
        return false;
    }
    true
}

impl JsHeap {
    fn allocate(size: usize, zeroed: bool) -> *mut u8 {
        let Some(layout) = block_layout(size) else {
            return ptr::null_mut();
        };
        if !js_take(layout.size()) {
            return ptr::null_mut();
        }
        // SAFETY: a non-zero layout.
        let base = unsafe {
            if zeroed {
                System.alloc_zeroed(layout)
            } else {
                System.alloc(layout)
            }
        };
        if base.is_null() {
            give_back(layout.size());
            return ptr::null_mut();
        }
        // SAFETY: the block is at least HEADER bytes and aligned for a usize.
        unsafe {
            base.cast::<usize>().write(size);
            base.add(HEADER)
        }
    }

    /// The block behind a pointer handed out by [`JsHeap::allocate`], and its size.
    ///
    /// # Safety
    /// `memory` must come from this allocator and not be freed yet.
    unsafe fn block(memory: *mut u8) -> (*mut u8, usize) {
        // SAFETY: the caller's promise; the header sits right before the memory.
        unsafe {
            let base = memory.sub(HEADER);
            (base, base.cast::<usize>().read())
        }
    }
}

// SAFETY: blocks are at least the size asked for, aligned to 16, and `usable_size` reads the
// size written when they were made.
unsafe impl rquickjs::allocator::Allocator for JsHeap {
    fn alloc(&mut self, size: usize) -> *mut u8 {
        JsHeap::allocate(size, false)
    }

    fn calloc(&mut self, count: usize, size: usize) -> *mut u8 {
        match count.checked_mul(size) {
            Some(total) => JsHeap::allocate(total, true),
            None => ptr::null_mut(),
        }
    }

    unsafe fn dealloc(&mut self, memory: *mut u8) {
        if memory.is_null() {
            return;
        }
        // SAFETY: QuickJS frees only what this allocator gave it.
        let (base, size) = unsafe { JsHeap::block(memory) };
        if let Some(layout) = block_layout(size) {
            // SAFETY: the block was allocated with this layout.
            unsafe { System.dealloc(base, layout) };
            give_back(layout.size());
        }
    }

    unsafe fn realloc(&mut self, memory: *mut u8, new_size: usize) -> *mut u8 {
        if memory.is_null() {
            return JsHeap::allocate(new_size, false);
        }
        // SAFETY: QuickJS reallocates only what this allocator gave it.
        let (base, old_size) = unsafe { JsHeap::block(memory) };
        let (Some(old_layout), Some(new_layout)) = (block_layout(old_size), block_layout(new_size))
        else {
            return ptr::null_mut();
        };
        if new_size > old_size && !js_take(new_size - old_size) {
            return ptr::null_mut();
        }
        // SAFETY: the block was allocated with `old_layout`; the new size is non-zero.
        let moved = unsafe { System.realloc(base, old_layout, new_layout.size()) };
        if moved.is_null() {
            if new_size > old_size {
                give_back(new_size - old_size);
            }
            return ptr::null_mut();
        }
        if new_size < old_size {
            give_back(old_size - new_size);
        }
        // SAFETY: the moved block is at least HEADER bytes and aligned for a usize.
        unsafe {
            moved.cast::<usize>().write(new_size);
            moved.add(HEADER)
        }
    }

    unsafe fn usable_size(memory: *mut u8) -> usize {
        // SAFETY: QuickJS asks only about what this allocator gave it.
        unsafe { JsHeap::block(memory).1 }
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
            assert_eq!(JsHeap::usable_size(block), 100);
            block.write_bytes(7, 100);
            let grown = heap.realloc(block, 5000);
            assert_eq!(JsHeap::usable_size(grown), 5000);
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
