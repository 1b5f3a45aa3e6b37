//! A private X server (Xvfb) and `xclip`, to read and write the real X11
//! clipboard from tests. Xvfb picks a free display itself (`-displayfd`),
//! so tests running at once, here or in other checkouts, never collide.
//! Both tools are required: a missing one fails the test, it does not skip.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

/// A running Xvfb, killed on drop.
pub struct Xvfb {
    child: Child,
    /// Its display.
    pub display: Display,
}

/// An X display by name (`:N`), with its clipboard read and written by `xclip`.
pub struct Display(pub String);

impl Xvfb {
    /// Starts a server and waits until it accepts connections.
    pub fn start() -> Self {
        let mut child = Command::new("Xvfb")
            // Fd 1 is our pipe: Xvfb writes the display number there once
            // it is ready to connect.
            .args([
                "-displayfd",
                "1",
                "-nolisten",
                "tcp",
                "-screen",
                "0",
                "320x200x24",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run Xvfb (apt-get install xvfb): {e}"));
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let number = line.trim();
        assert!(
            !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()),
            "Xvfb did not report a display: {line:?} (exit: {:?})",
            child.try_wait()
        );
        let display = Display(format!(":{number}"));
        Self { child, display }
    }
}

impl Display {
    /// The name, for `DISPLAY`.
    pub fn name(&self) -> &str {
        &self.0
    }

    /// `xclip` on this display.
    fn xclip(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("xclip");
        cmd.args(args).env("DISPLAY", &self.0);
        cmd
    }

    /// The text on the CLIPBOARD selection, or `None` when nobody holds it.
    pub fn clipboard(&self) -> Option<String> {
        let out = self
            .xclip(&["-o", "-selection", "clipboard"])
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run xclip (apt-get install xclip): {e}"));
        out.status
            .success()
            .then(|| String::from_utf8(out.stdout).unwrap())
    }

    /// Puts text on the CLIPBOARD selection, as another program would.
    pub fn copy(&self, text: &str) {
        // xclip forks a server that holds the selection; with our pipes
        // closed it outlives this call without blocking it.
        let mut child = self
            .xclip(&["-i", "-selection", "clipboard"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run xclip (apt-get install xclip): {e}"));
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        assert!(child.wait().unwrap().success(), "xclip -i failed");
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        // xclip's forked servers exit when their display goes away.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
