//! Integration tests for mailbot live in `all/` (one test binary, `all`);
//! this library is empty and exists only because Cargo wants a target.
