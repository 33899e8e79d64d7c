//! Saves one file and reports its progress, for the test that kills a save halfway.
//!
//! Usage: `save_once SOURCE TARGET`. It reads the bytes of SOURCE, prints `ready` on
//! standard output, replaces TARGET with those bytes through the model's atomic save, and
//! prints `done`. The test kills it at a random moment after `ready`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use trustmap_model::load::replace_file;

fn main() -> ExitCode {
    let arguments: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [source, target] = arguments.as_slice() else {
        eprintln!("usage: save_once SOURCE TARGET");
        return ExitCode::from(2);
    };

    let contents = match std::fs::read(source) {
        Ok(contents) => contents,
        Err(error) => {
            eprintln!("failed to read {}: {error}", source.display());
            return ExitCode::from(2);
        }
    };

    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "ready")
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::from(2);
    }
    if let Err(error) = replace_file(target, &contents) {
        eprintln!("{error}");
        return ExitCode::FAILURE;
    }
    if writeln!(stdout, "done")
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}
