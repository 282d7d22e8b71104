//! The Experience API (xAPI 1.0.3): statements and documents parsed and validated exactly as the
//! specification's Data part says, with no I/O.
