//! UT1–UT5 over real HTTP.
