//! The library's layout rules, checked on its sources: no import cycle
//! between modules, and no core message that names a command, a flag or a
//! key (the faces word advice).

mod core_words;
mod layout;
