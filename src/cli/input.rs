//! Reading letters and packs, writing output and files: the I/O edge, with errors a hurried user
//! can act on.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// Letters are short; anything past this is not a letter (and would make a form time out).
pub const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// Why a command stopped early.
#[derive(Debug)]
pub enum Failure {
    /// Usage or input errors, each printed as `error: …`; exit 2.
    Errors(Vec<String>),
    /// Errors already printed (several files, some failed); exit 2.
    Reported,
    /// The reader of our output went away: exit quietly.
    BrokenPipe,
}

impl Failure {
    pub fn msg(message: impl Into<String>) -> Self {
        Failure::Errors(vec![message.into()])
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::msg(format!("cannot write output: {e}"))
        }
    }
}

/// A text read from a file or stdin.
#[derive(Debug, Clone)]
pub struct Input {
    /// As shown to the user: the path given, or `<stdin>`.
    pub name: String,
    /// `None` for stdin.
    pub path: Option<PathBuf>,
    pub text: String,
}

/// Reads `-` (stdin) or a file as UTF-8 text, refusing binary, oversized and non-UTF-8 input
/// with a message that says what to do.
pub fn read_input(arg: &str) -> Result<Input, String> {
    if arg == "-" {
        let mut bytes = Vec::new();
        io::stdin()
            .take(MAX_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("<stdin>: cannot read: {e}"))?;
        let text = decode("<stdin>", bytes)?;
        return Ok(Input {
            name: "<stdin>".into(),
            path: None,
            text,
        });
    }
    let path = Path::new(arg);
    let meta = std::fs::metadata(path).map_err(|e| describe_io(arg, &e))?;
    if meta.is_dir() {
        return Err(format!(
            "{arg}: is a directory (lint walks directories; other commands take a file)"
        ));
    }
    if meta.len() > MAX_BYTES {
        return Err(too_large(arg, meta.len()));
    }
    let bytes = std::fs::read(path).map_err(|e| describe_io(arg, &e))?;
    Ok(Input {
        name: arg.to_owned(),
        path: Some(path.to_owned()),
        text: decode(arg, bytes)?,
    })
}

fn too_large(name: &str, len: u64) -> String {
    format!(
        "{name}: is {:.1} MB; appeal reads letters up to {} MB (split the file, or check the letters one by one)",
        len as f64 / 1e6,
        MAX_BYTES / 1024 / 1024
    )
}

pub fn describe_io(name: &str, e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => format!("{name}: no such file (check the path)"),
        io::ErrorKind::PermissionDenied => format!("{name}: permission denied"),
        _ => format!("{name}: cannot read: {e}"),
    }
}

fn decode(name: &str, bytes: Vec<u8>) -> Result<String, String> {
    if bytes.len() as u64 > MAX_BYTES {
        return Err(too_large(name, bytes.len() as u64));
    }
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err(format!(
            "{name}: looks like a binary file, not a letter (it holds NUL bytes)"
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let prefix = String::from_utf8_lossy(&bytes[..good]);
        let line = prefix.matches('\n').count() + 1;
        let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!(
            "{name}:{line}:{column}: not valid UTF-8 (byte {good}); save the file as UTF-8 (Shift_JIS is not supported)"
        )
    })
}

/// Expands the PATH arguments of `lint`: a directory is walked for `.txt` and `.md` files
/// (hidden and git-ignored files skipped), in path order so runs are reproducible; `-` and files
/// are taken as given. A missing path becomes an error entry so the other files still run.
pub fn expand_paths(args: &[String]) -> Vec<Result<String, String>> {
    let mut out = Vec::new();
    for arg in args {
        let path = Path::new(arg);
        if arg != "-" && path.is_dir() {
            let mut found: Vec<String> = ignore::WalkBuilder::new(path)
                .sort_by_file_name(|a, b| a.cmp(b))
                .build()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
                .filter(|e| {
                    e.path()
                        .extension()
                        .is_some_and(|x| x == "txt" || x == "md")
                })
                .map(|e| e.path().display().to_string())
                .collect();
            found.sort();
            if found.is_empty() {
                out.push(Err(format!(
                    "{arg}: no .txt or .md files in this directory"
                )));
            }
            out.extend(found.into_iter().map(Ok));
        } else {
            out.push(Ok(arg.clone()));
        }
    }
    out
}

/// Writes `contents` to `path` atomically: a temporary file in the same directory, then a rename,
/// so an interrupted write never leaves half a letter. Keeps the permissions of the file it
/// replaces. Refuses to replace an existing file unless `overwrite`.
pub fn write_atomic(path: &Path, contents: &str, overwrite: bool) -> Result<(), String> {
    let name = path.display();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let existing = std::fs::metadata(path).ok();
    if existing.is_some() && !overwrite {
        return Err(format!(
            "{name}: already exists (pass --force to replace it)"
        ));
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".appeal-")
        .tempfile_in(dir)
        .map_err(|e| format!("{name}: cannot create a temporary file beside it: {e}"))?;
    tmp.write_all(contents.as_bytes())
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| format!("{name}: cannot write: {e}"))?;
    if let Some(meta) = existing {
        std::fs::set_permissions(tmp.path(), meta.permissions())
            .map_err(|e| format!("{name}: cannot keep its permissions: {e}"))?;
    }
    let result = if overwrite {
        tmp.persist(path).map(|_| ())
    } else {
        tmp.persist_noclobber(path).map(|_| ())
    };
    result.map_err(|e| format!("{name}: cannot write: {}", e.error))
}

/// Whether to colour stdout: a terminal, no `NO_COLOR`, or `CLICOLOR_FORCE` (anstream's rules).
pub fn stdout_color() -> bool {
    !matches!(
        anstream::AutoStream::choice(&io::stdout()),
        anstream::ColorChoice::Never
    )
}

/// Writes to stdout. Output is coloured only when `stdout_color` said so, so it is written as
/// is: passing 36 MB of JSON through anstream's escape stripper cost a tenth of a large run.
pub fn print(s: &str) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    out.write_all(s.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Prints `error: …` lines to stderr.
pub fn print_errors(errors: &[String]) {
    let mut err = anstream::stderr().lock();
    for e in errors {
        let _ = writeln!(err, "error: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let err = decode("a.txt", b"ok\nab\xff".to_vec()).unwrap_err();
        assert_eq!(
            err,
            "a.txt:2:3: not valid UTF-8 (byte 5); save the file as UTF-8 (Shift_JIS is not supported)"
        );
    }

    #[test]
    fn binary_is_refused_and_empty_is_fine() {
        assert!(decode("b", vec![1, 0, 2]).unwrap_err().contains("binary"));
        assert_eq!(decode("e", Vec::new()).unwrap(), "");
    }

    #[test]
    fn atomic_write_refuses_to_clobber_and_keeps_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("l.txt");
        write_atomic(&p, "one", false).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(
            write_atomic(&p, "two", false)
                .unwrap_err()
                .contains("--force")
        );
        write_atomic(&p, "two", true).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two");
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
