use std::fs;
use std::path::{Path, PathBuf};

use super::*;
use crate::load::load_file;

/// Returns the names in `dir`, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("list directory")
        .map(|entry| {
            let entry = entry.expect("directory entry");
            entry.file_name().to_string_lossy().into_owned()
        })
        .collect();
    names.sort();
    names
}

fn model(name: &str) -> Document {
    Document::new(name)
}

/// A directory with `model.trustmap.ron` saved twice, first as "first" then as "second",
/// so the file contains "second" and its backup "first".
fn saved_twice() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("model.trustmap.ron");
    save_file(&model("first"), &path).expect("first save");
    save_file(&model("second"), &path).expect("second save");
    (dir, path)
}

#[test]
fn backup_path_appends_suffix() {
    assert_eq!(
        backup_path(Path::new("dir/model.trustmap.ron")),
        Path::new("dir/model.trustmap.ron.bak")
    );
    assert_eq!(backup_path(Path::new("m")), Path::new("m.bak"));
}

#[test]
fn first_save_writes_no_backup() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("model.trustmap.ron");

    save_file(&model("first"), &path).expect("save");

    assert_eq!(load_file(&path), Ok(model("first")));
    assert_eq!(entries(dir.path()), ["model.trustmap.ron"]);
}

#[test]
fn second_save_keeps_previous_as_backup() {
    let (dir, path) = saved_twice();

    assert_eq!(load_file(&path), Ok(model("second")));
    assert_eq!(load_file(&backup_path(&path)), Ok(model("first")));
    assert_eq!(
        entries(dir.path()),
        ["model.trustmap.ron", "model.trustmap.ron.bak"]
    );
}

#[test]
fn third_save_moves_backup_forward() {
    let (_dir, path) = saved_twice();

    save_file(&model("third"), &path).expect("third save");

    assert_eq!(load_file(&path), Ok(model("third")));
    assert_eq!(load_file(&backup_path(&path)), Ok(model("second")));
}

#[test]
fn unchanged_save_keeps_older_backup() {
    let (_dir, path) = saved_twice();

    // Saving "second" again must not turn the backup into a second copy of "second".
    save_file(&model("second"), &path).expect("repeated save");

    assert_eq!(load_file(&path), Ok(model("second")));
    assert_eq!(load_file(&backup_path(&path)), Ok(model("first")));
}

#[test]
fn bare_file_name_saves_in_current_directory() {
    assert_eq!(
        parent_directory(Path::new("model.trustmap.ron")),
        Path::new(".")
    );
    assert_eq!(parent_directory(Path::new("a/m.ron")), Path::new("a"));
}

#[cfg(unix)]
#[test]
fn new_file_gets_the_usual_permissions() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("new.trustmap.ron");
    let probe = dir.path().join("probe");
    File::create(&probe).expect("probe file");

    save_file(&model("first"), &path).expect("save");

    let mode = |path: &Path| fs::metadata(path).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(
        mode(&path),
        mode(&probe),
        "as a newly created file, umask applied"
    );
}

#[cfg(unix)]
#[test]
fn save_keeps_file_permissions() {
    use std::os::unix::fs::PermissionsExt;

    let (_dir, path) = saved_twice();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("chmod");

    save_file(&model("third"), &path).expect("save");

    let mode = fs::metadata(&path).expect("metadata").permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
}

#[test]
fn target_directory_rejected() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("model.trustmap.ron");
    fs::create_dir(&path).expect("create directory");
    fs::write(path.join("inside.txt"), "kept").expect("write inside");
    fs::write(backup_path(&path), "old backup").expect("write backup");

    let error = save_file(&model("new"), &path).expect_err("directory target");

    assert!(matches!(error, SaveError::IsDirectory { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "failed to save {}: it is a directory; choose a file name",
            path.display()
        )
    );
    assert_eq!(entries(&path), ["inside.txt"]);
    assert_eq!(
        fs::read_to_string(backup_path(&path)).expect("backup"),
        "old backup"
    );
    assert_eq!(
        entries(dir.path()),
        ["model.trustmap.ron", "model.trustmap.ron.bak"]
    );
}

#[test]
fn backup_directory_rejected() {
    let (dir, path) = saved_twice();
    let backup = backup_path(&path);
    fs::remove_file(&backup).expect("remove backup");
    fs::create_dir(&backup).expect("backup directory");

    let error = save_file(&model("third"), &path).expect_err("backup is a directory");

    assert!(
        matches!(error, SaveError::BackupNotAFile { .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        format!(
            "failed to save {}: its backup path {} is not a regular file; move that away and \
             save again",
            path.display(),
            backup.display()
        )
    );
    assert_eq!(load_file(&path), Ok(model("second")));
    assert!(backup.is_dir());
    assert_eq!(
        entries(dir.path()),
        ["model.trustmap.ron", "model.trustmap.ron.bak"]
    );
}

#[test]
fn missing_directory_is_io_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("absent").join("model.trustmap.ron");

    let error = save_file(&model("new"), &path).expect_err("no directory");

    let SaveError::Io { step, source, .. } = &error else {
        panic!("expected an I/O error, got {error:?}");
    };
    assert_eq!(
        step,
        &format!(
            "could not create a temporary file in {}",
            dir.path().join("absent").display()
        )
    );
    assert_eq!(source.kind(), io::ErrorKind::NotFound);
    assert!(entries(dir.path()).is_empty());
}

#[cfg(unix)]
#[test]
fn socket_target_rejected() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("model.trustmap.ron");
    let _listener = std::os::unix::net::UnixListener::bind(&path).expect("bind socket");

    let error = save_file(&model("new"), &path).expect_err("socket target");

    assert!(matches!(error, SaveError::NotAFile { .. }), "{error:?}");
    assert_eq!(entries(dir.path()), ["model.trustmap.ron"]);
}

#[cfg(unix)]
#[test]
fn symbolic_link_followed() {
    let (dir, real) = saved_twice();
    let link = dir.path().join("link.trustmap.ron");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");

    save_file(&model("third"), &link).expect("save through the link");

    assert!(
        fs::symlink_metadata(&link)
            .expect("link metadata")
            .file_type()
            .is_symlink()
    );
    assert_eq!(load_file(&real), Ok(model("third")));
    assert_eq!(load_file(&backup_path(&real)), Ok(model("second")));
    assert_eq!(
        entries(dir.path()),
        [
            "link.trustmap.ron",
            "model.trustmap.ron",
            "model.trustmap.ron.bak"
        ]
    );
}

#[test]
fn stale_temporaries_removed() {
    let (dir, path) = saved_twice();
    // Left by saves of this file that were killed: the same form as the save's own names.
    fs::write(dir.path().join(".model.trustmap.ron.a1B2c3.tmp"), "torn").expect("stale");
    fs::write(dir.path().join(".model.trustmap.ron.ZZZZZZ.tmp"), "torn").expect("stale");
    // Not ours: another file's temporary, and names of a different form.
    let kept = [
        ".model.trustmap.ron.1234567.tmp",
        ".model.trustmap.ron.abc-12.tmp",
        ".other.ron.a1B2c3.tmp",
        "model.trustmap.ron.a1B2c3.tmp",
    ];
    for name in kept {
        fs::write(dir.path().join(name), "keep").expect("unrelated file");
    }

    save_file(&model("third"), &path).expect("save");

    let mut expected: Vec<&str> = kept.to_vec();
    expected.extend(["model.trustmap.ron", "model.trustmap.ron.bak"]);
    expected.sort_unstable();
    assert_eq!(entries(dir.path()), expected);
}

#[test]
fn temporary_names_recognised() {
    let name = OsStr::new("m.ron");
    let cases = [
        (".m.ron.abc123.tmp", true),
        (".m.ron.ABCDEF.tmp", true),
        (".m.ron.abc12.tmp", false),
        (".m.ron.abc1234.tmp", false),
        (".m.ron.abc_12.tmp", false),
        ("m.ron.abc123.tmp", false),
        (".m.ron.abc123.tmpx", false),
        (".n.ron.abc123.tmp", false),
        (".m.ron", false),
    ];
    for (candidate, expected) in cases {
        assert_eq!(
            is_temporary_of(OsStr::new(candidate), name),
            expected,
            "{candidate}"
        );
    }
}

/// Set when this test binary runs as the unprivileged child of
/// [`read_only_directory_leaves_both`]: the path of the file to save.
#[cfg(unix)]
const READ_ONLY_CHILD: &str = "TRUSTMAP_TEST_READ_ONLY_SAVE";

/// Prefix of the child's line on standard output that reports its save.
#[cfg(unix)]
const CHILD_RESULT: &str = "read-only save result: ";

#[cfg(unix)]
#[test]
fn read_only_directory_leaves_both() {
    use std::os::unix::fs::PermissionsExt;

    if let Some(path) = std::env::var_os(READ_ONLY_CHILD) {
        let outcome = match save_file(&model("third"), Path::new(&path)) {
            Ok(()) => "saved".to_owned(),
            Err(error) => error.to_string(),
        };
        println!("{CHILD_RESULT}{outcome}");
        return;
    }

    let (dir, path) = saved_twice();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o555)).expect("chmod");
    let outcome = save_in_read_only_directory(dir.path(), &path);
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).expect("chmod back");
    let Some(outcome) = outcome else {
        eprintln!(
            "skipped: running as the superuser, and `nobody` cannot run this test binary \
             (its directory is closed to other users)"
        );
        return;
    };

    let expected_start = format!(
        "failed to save {}: could not create a temporary file in {}: ",
        path.display(),
        dir.path().display()
    );
    assert!(outcome.starts_with(&expected_start), "{outcome}");
    assert!(outcome.contains("Permission denied"), "{outcome}");
    assert_eq!(load_file(&path), Ok(model("second")));
    assert_eq!(load_file(&backup_path(&path)), Ok(model("first")));
    assert_eq!(
        entries(dir.path()),
        ["model.trustmap.ron", "model.trustmap.ron.bak"]
    );
}

/// Saves "third" to `path` in the read-only `dir` and returns the error message, or
/// `saved`. The superuser ignores directory permissions, so when the directory is still
/// writable this test binary saves again in a child process running as `nobody` (uid and
/// gid 65534). Returns `None` when `nobody` cannot run this test binary.
#[cfg(unix)]
fn save_in_read_only_directory(dir: &Path, path: &Path) -> Option<String> {
    use std::os::unix::process::CommandExt;

    let probe = dir.join("probe");
    if fs::write(&probe, "").is_err() {
        return Some(match save_file(&model("third"), path) {
            Ok(()) => "saved".to_owned(),
            Err(error) => error.to_string(),
        });
    }
    fs::remove_file(&probe).expect("remove probe");

    let executable = std::env::current_exe().expect("test executable");
    let output = std::process::Command::new(executable)
        .args([
            "--exact",
            "load::save::tests::read_only_directory_leaves_both",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(READ_ONLY_CHILD, path)
        .uid(65534)
        .gid(65534)
        .output()
        // The program cannot start when its directory is closed to other users.
        .ok()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    // The harness prints the test's name on the same line, before the result.
    let outcome = stdout
        .lines()
        .find_map(|line| line.split_once(CHILD_RESULT))
        .map(|(_, outcome)| outcome.to_owned())
        .unwrap_or_else(|| panic!("the child reported no result: {stdout}"));
    Some(outcome)
}

#[test]
fn write_file_replaces_without_backup() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("page.svg");

    write_file(&path, b"first").expect("write");
    write_file(&path, b"second").expect("replace");

    assert_eq!(fs::read(&path).expect("read"), b"second");
    assert!(!backup_path(&path).exists(), "an export keeps no backup");
    let error = write_file(dir.path(), b"x").expect_err("a directory is no file");
    assert!(matches!(error, SaveError::IsDirectory { .. }), "{error}");
}
