//! M1 over real HTTP.
