//! The library half of the `concordat` command: the synthetic demo
//! partnership, kept here so that the integration tests seed exactly the data
//! a newcomer sees.

pub mod demo;

/// The allocator of every program built on this library (the server, the
/// benchmarks, the tests): a request allocates and frees many small values
/// on one thread and hands others to the database's threads, where the
/// system allocator spent an eighth of a record read's CPU time. The
/// `override` feature gives SQLite's own allocations (its page cache, its
/// statements) to the same allocator: left on the system's, they were a
/// sixth of the audit writer's thread.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
