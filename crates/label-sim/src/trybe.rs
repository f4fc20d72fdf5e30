//! Trybe simulator: to be written.
