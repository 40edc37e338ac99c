//! [`OsHost`]: the host calls implemented with the operating system, through
//! `std`. This file and the command line are the only places in the VM
//! and the standard library that touch `std::fs`, `std::env`, the standard
//! streams or the clocks.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::interface::{Host, HostError, PathKind, WriteMode};

/// The operating system as a [`Host`]. Standard streams can be replaced
/// (to capture output in tests, or to feed input), and the program
/// arguments are given at construction.
pub struct OsHost {
    stdin: Box<dyn BufRead + Send>,
    stdout: Box<dyn Write + Send>,
    stderr: Box<dyn Write + Send>,
    args: Vec<String>,
    files: HashMap<u32, File>,
    next_handle: u32,
    origin: Instant,
}

impl Default for OsHost {
    fn default() -> OsHost {
        OsHost::new()
    }
}

impl OsHost {
    /// The process's own standard streams (standard output buffered) and no
    /// program arguments.
    pub fn new() -> OsHost {
        OsHost {
            stdin: Box::new(BufReader::new(std::io::stdin())),
            stdout: Box::new(std::io::BufWriter::new(std::io::stdout())),
            stderr: Box::new(std::io::stderr()),
            args: Vec::new(),
            files: HashMap::new(),
            next_handle: 3,
            origin: Instant::now(),
        }
    }

    /// The program's arguments, as `os.args()` gives them.
    #[must_use]
    pub fn with_args(mut self, args: Vec<String>) -> OsHost {
        self.args = args;
        self
    }

    /// Replaces standard input.
    #[must_use]
    pub fn with_stdin(mut self, stdin: Box<dyn BufRead + Send>) -> OsHost {
        self.stdin = stdin;
        self
    }

    /// Replaces standard output (for example to capture what a program
    /// prints).
    #[must_use]
    pub fn with_stdout(mut self, stdout: Box<dyn Write + Send>) -> OsHost {
        self.stdout = stdout;
        self
    }

    /// Replaces standard error.
    #[must_use]
    pub fn with_stderr(mut self, stderr: Box<dyn Write + Send>) -> OsHost {
        self.stderr = stderr;
        self
    }

    fn file(&mut self, handle: u32) -> Result<&mut File, HostError> {
        self.files
            .get_mut(&handle)
            .ok_or_else(|| HostError::value(format!("no open file with handle {handle}")))
    }

    fn add_file(&mut self, file: File) -> u32 {
        while self.files.contains_key(&self.next_handle) {
            self.next_handle = self.next_handle.wrapping_add(1).max(3);
        }
        let handle = self.next_handle;
        self.files.insert(handle, file);
        self.next_handle = self.next_handle.wrapping_add(1).max(3);
        handle
    }
}

impl Host for OsHost {
    fn stdout_write(&mut self, data: &[u8]) -> Result<(), HostError> {
        Ok(self.stdout.write_all(data)?)
    }

    fn stderr_write(&mut self, data: &[u8]) -> Result<(), HostError> {
        self.stdout.flush()?;
        self.stderr.write_all(data)?;
        Ok(self.stderr.flush()?)
    }

    fn stdout_flush(&mut self) -> Result<(), HostError> {
        Ok(self.stdout.flush()?)
    }

    fn stdin_read_line(&mut self, max: usize) -> Result<Option<Vec<u8>>, HostError> {
        self.stdout.flush()?;
        // `take` bounds what one call reads: a line with no end (`yes |
        // tr -d '\n'`) comes in pieces instead of filling memory.
        let mut line = Vec::new();
        let n = (&mut self.stdin)
            .take(max as u64)
            .read_until(b'\n', &mut line)?;
        Ok((n > 0).then_some(line))
    }

    fn stdin_read(&mut self, max: usize) -> Result<Vec<u8>, HostError> {
        self.stdout.flush()?;
        let mut out = Vec::new();
        (&mut self.stdin).take(max as u64).read_to_end(&mut out)?;
        Ok(out)
    }

    fn file_open_read(&mut self, path: &Path) -> Result<u32, HostError> {
        let file = File::open(path)?;
        if file.metadata()?.is_dir() {
            return Err(HostError::io("Is a directory (os error 21)"));
        }
        Ok(self.add_file(file))
    }

    fn file_open_write(&mut self, path: &Path, mode: WriteMode) -> Result<u32, HostError> {
        let mut options = OpenOptions::new();
        match mode {
            WriteMode::Truncate => options.write(true).create(true).truncate(true),
            WriteMode::Append => options.append(true).create(true),
            WriteMode::CreateNew => options.write(true).create_new(true),
        };
        let file = options.open(path)?;
        Ok(self.add_file(file))
    }

    fn file_read(&mut self, handle: u32, max: usize) -> Result<Vec<u8>, HostError> {
        let file = self.file(handle)?;
        let mut buf = vec![0; max];
        let n = loop {
            match file.read(&mut buf) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                other => break other?,
            }
        };
        buf.truncate(n);
        Ok(buf)
    }

    fn file_write(&mut self, handle: u32, data: &[u8]) -> Result<(), HostError> {
        Ok(self.file(handle)?.write_all(data)?)
    }

    fn file_sync(&mut self, handle: u32) -> Result<(), HostError> {
        Ok(self.file(handle)?.sync_all()?)
    }

    fn file_close(&mut self, handle: u32) -> Result<(), HostError> {
        match self.files.remove(&handle) {
            Some(_) => Ok(()),
            None => Err(HostError::value(format!(
                "no open file with handle {handle}"
            ))),
        }
    }

    fn path_kind(&mut self, path: &Path) -> Result<PathKind, HostError> {
        match std::fs::metadata(path) {
            Ok(m) if m.is_file() => Ok(PathKind::File),
            Ok(m) if m.is_dir() => Ok(PathKind::Dir),
            Ok(_) => Ok(PathKind::Other),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                ) =>
            {
                Ok(PathKind::Missing)
            }
            Err(e) => Err(e.into()),
        }
    }

    fn dir_list(&mut self, path: &Path) -> Result<Vec<String>, HostError> {
        let mut names = Vec::new();
        for entry in std::fs::read_dir(path)? {
            names.push(entry?.file_name().to_string_lossy().into_owned());
        }
        Ok(names)
    }

    fn dir_create(&mut self, path: &Path, parents: bool) -> Result<(), HostError> {
        if parents {
            Ok(std::fs::create_dir_all(path)?)
        } else {
            Ok(std::fs::create_dir(path)?)
        }
    }

    fn path_remove(&mut self, path: &Path) -> Result<(), HostError> {
        let meta = std::fs::symlink_metadata(path)?;
        if meta.is_dir() {
            Ok(std::fs::remove_dir(path)?)
        } else {
            Ok(std::fs::remove_file(path)?)
        }
    }

    fn path_rename(&mut self, from: &Path, to: &Path) -> Result<(), HostError> {
        Ok(std::fs::rename(from, to)?)
    }

    fn clock_wall(&mut self) -> f64 {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => d.as_secs_f64(),
            Err(e) => -e.duration().as_secs_f64(),
        }
    }

    fn clock_monotonic(&mut self) -> f64 {
        self.origin.elapsed().as_secs_f64()
    }

    fn sleep(&mut self, seconds: f64) {
        let _ = self.stdout.flush();
        if let Ok(d) = Duration::try_from_secs_f64(seconds) {
            std::thread::sleep(d);
        }
    }

    fn entropy(&mut self, buf: &mut [u8]) -> Result<(), HostError> {
        getrandom::fill(buf).map_err(|e| HostError::io(e.to_string()))
    }

    fn env_get(&mut self, name: &str) -> Result<Option<String>, HostError> {
        if name.is_empty() || name.contains(['=', '\0']) {
            return Ok(None);
        }
        match std::env::var(name) {
            Ok(v) => Ok(Some(v)),
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(HostError::io(format!(
                "environment variable {name} is not valid UTF-8"
            ))),
        }
    }

    fn args(&mut self) -> Vec<String> {
        self.args.clone()
    }

    fn exit(&mut self, _code: u8) {
        let _ = self.stdout.flush();
        let _ = self.stderr.flush();
    }

    fn platform(&mut self) -> String {
        std::env::consts::OS.to_string()
    }

    fn canonicalize(&mut self, path: &Path) -> Result<PathBuf, HostError> {
        Ok(std::fs::canonicalize(path)?)
    }

    fn entry_exists(&mut self, path: &Path) -> bool {
        std::fs::symlink_metadata(path).is_ok()
    }
}
