//! Resilience of real `wolfe engine` processes: SIGKILLed mid-execution,
//! killed at random while a stream of events arrives, and PostgreSQL
//! restarted under load. Each test starts the binary with a service
//! configuration on port 0, seeds the shared database beforehand, sends
//! events over HTTP and checks the store directly, with deadlines.
//!
//! The tests run one at a time (see [`harness::serial`]): on a 2-core
//! machine, several engines of two tests competing for the CPU would make
//! leases expire for reasons that are not the test's.

mod crash_recovery;
mod harness;
mod postgres_restart;
mod random_kills;
