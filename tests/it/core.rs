//! The library's layout rules, checked on its sources: no import cycle
//! between modules, and no core message that names a command, a flag or a
//! key (the faces word advice). The fuzz targets' committed inputs, run
//! as plain tests, and property tests of the header, expiry arithmetic
//! and the store.

mod core_words;
mod fuzz_corpus;
mod layout;
mod properties;
