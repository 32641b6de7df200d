//! The library half of the `concordat` command: the synthetic demo
//! partnership, kept here so that the integration tests seed exactly the data
//! a newcomer sees.

pub mod demo;
