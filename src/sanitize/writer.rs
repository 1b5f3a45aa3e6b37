//! [`strip_controls`](super::strip_controls) as a [`Write`]r, for the
//! streams a command writes in pieces: stdout, stderr and the log.

use std::io::{self, Write};

use super::{Filter, needs_filter};

/// Filters everything written through it; a sequence or a UTF-8 character
/// split across writes is handled whole. Bytes that are not UTF-8 are
/// written as U+FFFD.
#[derive(Debug)]
pub struct SafeWriter<W: Write> {
    inner: W,
    filter: Filter,
    /// The start of a UTF-8 character the last write cut (at most 3 bytes).
    partial: Vec<u8>,
}

impl<W: Write> SafeWriter<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            filter: Filter::default(),
            partial: Vec::new(),
        }
    }
}

impl<W: Write> SafeWriter<W> {
    /// Writes an SGR sequence (`ESC [ codes m`) of our own past the filter:
    /// colour the caller chose, never text from outside. `codes` must be
    /// digits and `;` only, else nothing is written.
    pub fn sgr(&mut self, codes: &str) -> io::Result<()> {
        if codes.is_empty() || !codes.bytes().all(|b| b.is_ascii_digit() || b == b';') {
            return Ok(());
        }
        self.inner.write_all(format!("\x1b[{codes}m").as_bytes())
    }
}

impl<W: Write> Write for SafeWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.partial.is_empty() && self.filter.is_idle() && !needs_filter(buf) {
            // Plain text, perhaps ending in a cut character: pass the whole
            // characters through unchanged and keep the cut one.
            let whole = match std::str::from_utf8(buf) {
                Ok(_) => buf.len(),
                Err(e) if e.error_len().is_none() => e.valid_up_to(),
                Err(_) => 0,
            };
            if whole > 0 {
                self.inner.write_all(&buf[..whole])?;
                self.partial.extend_from_slice(&buf[whole..]);
                return Ok(buf.len());
            }
        }
        let mut bytes = std::mem::take(&mut self.partial);
        bytes.extend_from_slice(buf);
        let mut out = String::with_capacity(bytes.len());
        let mut rest = &bytes[..];
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.filter.push_str(text, &mut out);
                    break;
                }
                Err(e) => {
                    let (good, bad) = rest.split_at(e.valid_up_to());
                    // Checked by from_utf8 just now.
                    self.filter
                        .push_str(std::str::from_utf8(good).unwrap_or_default(), &mut out);
                    match e.error_len() {
                        None => {
                            self.partial.extend_from_slice(bad);
                            break;
                        }
                        Some(n) => {
                            self.filter.push_str("\u{fffd}", &mut out);
                            rest = &bad[n..];
                        }
                    }
                }
            }
        }
        self.inner.write_all(out.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_are_filtered_as_one_stream() {
        let text = "ok ä\u{1b}]52;c;aGk=\u{7} \u{202e}€\u{1b}[2J!\n".as_bytes();
        for cut in 0..text.len() {
            let mut w = SafeWriter::new(Vec::new());
            w.write_all(&text[..cut]).unwrap();
            w.write_all(&text[cut..]).unwrap();
            assert_eq!(
                String::from_utf8(w.inner).unwrap(),
                "ok ä €!\n",
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_become_replacement_characters() {
        let mut w = SafeWriter::new(Vec::new());
        w.write_all(b"a\xffb\xc2").unwrap();
        w.write_all(b"\x9b1mc").unwrap();
        assert_eq!(String::from_utf8(w.inner).unwrap(), "a\u{fffd}bc");
    }
}
