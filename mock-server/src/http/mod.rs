//! The HTTP edge: the only modules (with `server`) that name hyper and http-body types.
//!
//! A hyper request becomes an owned [`ApiRequest`] (method, decoded path segments, decoded query,
//! the few headers the API reads, the body collected once under a size limit); handlers answer an
//! [`ApiResponse`], which becomes a hyper response here. The segments and the headers are each
//! kept in one buffer ([`Packed`], [`Headers`]): every request makes them, so their allocations
//! count.

pub mod form;
mod headers;
mod packed;
mod request;
mod response;

pub use headers::Headers;
pub use packed::Packed;
pub use request::{ApiRequest, Method, read_request};
pub use response::{ApiResponse, into_hyper};
