//! Killing a save at random moments never leaves a torn model file.
//!
//! A child process (`save_once`) replaces the model file with another large model and is
//! sent SIGKILL after a random delay. After every kill the file must hold exactly the old
//! or the new model, the backup must hold one of them too, and the only other files allowed
//! are the save's own temporary files, which the next save removes.
//!
//! The delays come from a seeded generator. Set `TRUSTMAP_KILL_SEED` to replay a run, and
//! `TRUSTMAP_KILL_ROUNDS` to change the number of kills (200 by default).
#![cfg(unix)]

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use trustmap_model::generate::{GeneratorConfig, generate};
use trustmap_model::load::{backup_path, load_file, load_str, replace_file, to_ron};

const DEFAULT_SEED: u64 = 0x7457_6d61_7053_6176;
const DEFAULT_ROUNDS: usize = 200;

/// Services, gateways, stores, identities and zones of each generated model. At this size a
/// model is about 8.5 MB of RON, so writing and syncing it takes tens of milliseconds and
/// many kills land halfway.
const MODEL_NODES: usize = 4_000;

const FILE_NAME: &str = "model.trustmap.ron";

/// Where a kill landed, judged from the child's output and the files it left.
#[derive(Clone, Copy, Debug, Default)]
struct Tally {
    /// No trace on disk: the child had not begun to write.
    before: usize,
    /// A temporary file was left, or the file was replaced without the child finishing.
    during: usize,
    /// The child printed `done`.
    after: usize,
}

fn env_number<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(text) => text
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not {text:?}")),
        Err(_) => default,
    }
}

/// Returns whether `name` is one of the save's temporary files for [`FILE_NAME`].
fn is_temporary(name: &str) -> bool {
    name.starts_with(&format!(".{FILE_NAME}.")) && name.ends_with(".tmp")
}

/// Lists the temporary files in `dir`, failing on any file the save should not create.
fn temporaries(dir: &Path) -> Vec<String> {
    let mut temporaries = Vec::new();
    for entry in std::fs::read_dir(dir).expect("list the save directory") {
        let name = entry
            .expect("directory entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if is_temporary(&name) {
            temporaries.push(name);
        } else {
            let backup = format!("{FILE_NAME}.bak");
            assert!(
                name == FILE_NAME || name == backup,
                "unexpected file {name}"
            );
        }
    }
    temporaries
}

/// Returns which of the two texts `path` contains, failing when it contains neither.
fn version_of(path: &Path, texts: &[Vec<u8>; 2], round: usize) -> usize {
    let bytes = std::fs::read(path)
        .unwrap_or_else(|error| panic!("round {round}: cannot read {}: {error}", path.display()));
    match texts.iter().position(|text| *text == bytes) {
        Some(version) => version,
        None => {
            // Describe the torn file: its size and whether it still loads.
            let loaded = load_file(path).map(|_| "loads").unwrap_or("does not load");
            panic!(
                "round {round}: {} contains neither model ({} bytes, {loaded})",
                path.display(),
                bytes.len()
            )
        }
    }
}

/// Measures how long one save of a model takes here, as the median of three.
fn measure_save(dir: &Path, texts: &[Vec<u8>; 2]) -> Duration {
    let path = dir.join("calibrate.trustmap.ron");
    let mut durations: Vec<Duration> = (0..3)
        .map(|i| {
            let start = Instant::now();
            replace_file(&path, &texts[i % 2]).expect("calibration save");
            start.elapsed()
        })
        .collect();
    durations.sort();
    durations[1]
}

/// Starts the child that saves `source` over `target` and waits for its `ready` line.
fn start_save(source: &Path, target: &Path) -> (Child, BufReader<std::process::ChildStdout>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_save_once"))
        .arg(source)
        .arg(target)
        .stdout(Stdio::piped())
        .spawn()
        .expect("start save_once");
    let stdout = child.stdout.take().expect("child stdout");
    let mut reader = BufReader::new(stdout);
    let mut line = String::new();
    reader.read_line(&mut line).expect("read ready line");
    assert_eq!(line, "ready\n", "save_once did not start");
    (child, reader)
}

#[test]
fn kill_during_save_never_tears_file() {
    let seed = env_number("TRUSTMAP_KILL_SEED", DEFAULT_SEED);
    let rounds = env_number("TRUSTMAP_KILL_ROUNDS", DEFAULT_ROUNDS);
    println!("kill test: seed {seed} (set TRUSTMAP_KILL_SEED to replay), {rounds} rounds");
    let mut rng = SmallRng::seed_from_u64(seed);

    let models = [
        generate(&GeneratorConfig::new(MODEL_NODES, 1)),
        generate(&GeneratorConfig::new(MODEL_NODES, 2)),
    ];
    let texts = [
        to_ron(&models[0]).into_bytes(),
        to_ron(&models[1]).into_bytes(),
    ];
    // Byte equality with these texts below stands for "loads as this model".
    for (model, text) in models.iter().zip(&texts) {
        let text = std::str::from_utf8(text).expect("RON is UTF-8");
        assert_eq!(load_str(text, "generated").as_ref(), Ok(model));
    }

    let sources = tempfile::tempdir().expect("temp dir for the sources");
    let source_paths: Vec<PathBuf> = texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let path = sources.path().join(format!("model-{i}.ron"));
            std::fs::write(&path, text).expect("write source");
            path
        })
        .collect();

    let dir = tempfile::tempdir().expect("temp dir for the saves");
    let target = dir.path().join(FILE_NAME);
    let backup = backup_path(&target);
    replace_file(&target, &texts[0]).expect("first save");
    let save_time = measure_save(sources.path(), &texts);
    let max_delay_us = (save_time.as_micros() as u64).max(1_000);
    println!(
        "kill test: {} and {} bytes, one save takes {save_time:?}, kills within {max_delay_us} µs",
        texts[0].len(),
        texts[1].len()
    );

    let mut tally = Tally::default();
    let mut current = 0;
    let mut max_temporaries = 0;
    for round in 0..rounds {
        let next = 1 - current;
        let backup_before = backup.exists().then(|| version_of(&backup, &texts, round));

        let (mut child, mut reader) = start_save(&source_paths[next], &target);
        let delay = Duration::from_micros(rng.random_range(0..=max_delay_us));
        std::thread::sleep(delay);
        // The child may have finished already; killing a finished child is harmless.
        let _ = child.kill();
        child.wait().expect("reap save_once");
        let mut rest = String::new();
        reader
            .read_to_string(&mut rest)
            .expect("read the child's output");
        let finished = rest == "done\n";

        let now = version_of(&target, &texts, round);
        let backup_now = backup.exists().then(|| version_of(&backup, &texts, round));
        let left = temporaries(dir.path());
        max_temporaries = max_temporaries.max(left.len());

        if finished {
            assert_eq!(now, next, "round {round}: finished but not replaced");
            assert_eq!(backup_now, Some(current), "round {round}: backup not kept");
            tally.after += 1;
        } else if now == current && backup_now == backup_before && left.is_empty() {
            tally.before += 1;
        } else {
            tally.during += 1;
        }
        current = now;
    }

    println!(
        "kill test: {} kills before the save wrote anything, {} during the save, {} after it \
         finished; at most {max_temporaries} temporary files left at once",
        tally.before, tally.during, tally.after
    );
    // How many land halfway depends on the machine's load, so only none at all fails.
    assert!(
        rounds == 0 || tally.during > 0,
        "no kill landed during the save: {tally:?}"
    );

    // A clean save afterwards succeeds and removes every leftover temporary file.
    let next = 1 - current;
    replace_file(&target, &texts[next]).expect("save after the kills");
    assert_eq!(version_of(&target, &texts, rounds), next);
    assert_eq!(version_of(&backup, &texts, rounds), current);
    assert_eq!(temporaries(dir.path()), Vec::<String>::new());
    assert_eq!(load_file(&target).as_ref(), Ok(&models[next]));
}
