//! ActionHub simulator: to be written.
