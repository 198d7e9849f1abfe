//! A full disk. The test runs itself again in a private mount namespace (`unshare --mount`, which
//! needs root, as in CI) where the data directory is a small tmpfs. Reports queue while the help
//! desk is away; then the disk is filled to the last byte. The next report gets a clear error
//! (exit 1, in the user's language), and so does listing the queue, without writing anything
//! (sled, writing on a full disk, can leave a truncated snapshot behind). Once space is freed
//! nothing queued is damaged; with the help desk back, everything is delivered, byte-exact, and
//! the report that did not fit can be filed again.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_glpi_double::{DoubleConfig, GlpiDouble};
use guichet_test_support::workstation::{self, json, pseudo_random_bytes, stderr, Workstation};
use std::io::Write;
use std::process::Command;

/// Set in the copy of this test that runs inside the private namespace.
const INSIDE: &str = "GUICHET_TEST_PRIVATE_MOUNTS";
const QUEUED: usize = 3;

/// True inside the private namespace; otherwise runs the test there (as root) and returns false.
fn in_private_mounts(test: &str) -> bool {
    if std::env::var_os(INSIDE).is_some() {
        return true;
    }
    let root =
        std::fs::metadata("/proc/self").is_ok_and(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0);
    if !root {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs as root: the disk-full test must run"
        );
        eprintln!("\n!!! not root: SKIPPING the disk-full test (it mounts a tmpfs) !!!\n");
        return false;
    }
    let status = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "--"])
        .arg(std::env::current_exe().expect("this test's executable"))
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(INSIDE, "1")
        .status()
        .expect("run unshare (util-linux)");
    assert!(
        status.success(),
        "{test} failed in its private mounts: {status}"
    );
    false
}

fn report(ws: &Workstation, n: usize) -> std::process::Output {
    let file = ws.file(
        &format!("scan{n}.pdf"),
        &pseudo_random_bytes(n as u64, 400_000),
    );
    ws.run(&[
        "report",
        "--subject",
        &format!("Scanner {n}"),
        "--description",
        "Le scanner de la salle des professeurs ne numérise plus rien.",
        "--attach",
        file.to_str().expect("utf-8"),
        "--json",
    ])
}

/// Writes zeros into `path` until the file system says it is full.
fn fill(path: &std::path::Path) {
    let mut file = std::fs::File::create(path).expect("filler");
    let block = vec![0u8; 64 * 1024];
    loop {
        if file.write_all(&block).is_err() {
            break;
        }
    }
    // The last bytes, one at a time.
    while file.write_all(&[0]).is_ok() && file.flush().is_ok() {}
}

#[test]
fn a_full_disk_refuses_the_report_clearly_and_loses_nothing() {
    if !in_private_mounts("a_full_disk_refuses_the_report_clearly_and_loses_nothing") {
        return;
    }
    let ws = Workstation::new(Some("http://127.0.0.1:9/apirest.php"));
    std::fs::create_dir_all(&ws.data).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=24m", "tmpfs"])
        .arg(&ws.data)
        .status()
        .expect("mount");
    assert!(mounted.success(), "mount a tmpfs on the data directory");

    for n in 0..QUEUED {
        let out = report(&ws, n);
        assert_eq!(json(&out)["status"], "queued", "{}", stderr(&out));
    }
    fill(&ws.data.join("filler"));

    let out = ws
        .command(&[
            "report",
            "--subject",
            "Scanner plein",
            "--description",
            "Le scanner de la salle des professeurs ne numérise plus rien.",
            "--attach",
            ws.file("big.pdf", &pseudo_random_bytes(99, 400_000))
                .to_str()
                .unwrap(),
        ])
        .env("LANG", "fr_FR.UTF-8")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Le disque de ce poste est plein"),
        "a clear error: {}",
        stderr(&out)
    );

    // Even the list says so, rather than touching the outbox on a full disk.
    let out = ws.run(&["queue", "list", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("disk is full"), "{}", stderr(&out));
    std::fs::remove_file(ws.data.join("filler")).unwrap();

    // What waited is intact.
    let listed = json(&ws.run(&["queue", "list", "--json"]));
    let subjects: Vec<&str> = listed
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|i| i["subject"].as_str())
        .collect();
    assert_eq!(subjects.len(), QUEUED, "{listed}");

    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    ws.configure(Some(&double.base_url()), workstation::TOKEN);
    let out = ws.run(&["queue", "flush"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let tickets = double.tickets();
    assert_eq!(tickets.len(), QUEUED);
    for n in 0..QUEUED {
        let t = tickets
            .iter()
            .find(|t| t.name == format!("Scanner {n}"))
            .expect("delivered");
        assert!(
            t.documents[0].bytes == pseudo_random_bytes(n as u64, 400_000),
            "report {n}'s file is byte-exact"
        );
    }
    let again = report(&ws, 99);
    assert_eq!(json(&again)["status"], "sent", "{}", stderr(&again));
    let _ = Command::new("umount").arg(&ws.data).status();
}
