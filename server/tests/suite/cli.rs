//! The `gridhall` command as an operator uses it: subcommands, and one clear line for a bad
//! configuration value.

use std::process::Command;

fn gridhall() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gridhall"));
    command.env_remove("DATABASE_URL").env_remove("GRIDHALL_LISTEN").env("GRIDHALL_LOG", "warn");
    command
}

fn assert_refused(args: &[&str], env: &[(&str, &str)], needle: &str) {
    let mut command = gridhall();
    command.args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("run gridhall");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{args:?} {env:?} should fail");
    assert!(stderr.contains(needle), "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn bad_values_stop_with_a_clear_message() {
    assert_refused(&["--listen", "localhost"], &[], "invalid value 'localhost' for '--listen <LISTEN>'");
    assert_refused(
        &["migrate"],
        &[("DATABASE_URL", "mysql://root@localhost/x")],
        "expected sqlite://<file> or postgres://",
    );
    assert_refused(&["--log-level", "loud=="], &[], "--log-level");
    assert_refused(&["--time-zone", "Mars/Olympus"], &[], "--time-zone");
    assert_refused(&["--db-max-connections", "0"], &[], "--db-max-connections");
    assert_refused(&["--public-url", "95598.example.cn"], &[], "--public-url");
    assert_refused(&["frobnicate"], &[], "unrecognized subcommand 'frobnicate'");
}

#[test]
fn an_unreachable_database_is_one_line_not_a_panic() {
    let folder = tempfile::tempdir().expect("folder");
    let blocker = folder.path().join("file");
    std::fs::write(&blocker, "not a folder").expect("write");
    // The database's folder cannot be created under a regular file.
    let url = format!("sqlite://{}/sub/gridhall.db", blocker.display());
    let output = gridhall().arg("migrate").env("DATABASE_URL", &url).current_dir(folder.path()).output().expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].starts_with("gridhall: cannot create the database folder"), "{stderr}");
}

#[test]
fn migrate_then_demo_twice_on_a_new_sqlite_file() {
    let folder = tempfile::tempdir().expect("folder");
    let url = format!("sqlite://{}/data/gridhall.db", folder.path().display());
    for command in ["migrate", "demo", "demo"] {
        // Run in the test's folder: the default document and mail folders are relative.
        let output =
            gridhall().arg(command).env("DATABASE_URL", &url).current_dir(folder.path()).output().expect("run");
        assert!(output.status.success(), "{command}: {}", String::from_utf8_lossy(&output.stderr));
    }
    assert!(folder.path().join("data/gridhall.db").exists(), "the file and its folder are created");
}

#[test]
fn help_lists_the_subcommands() {
    let output = gridhall().arg("--help").output().expect("run");
    let text = String::from_utf8_lossy(&output.stdout);
    for word in ["serve", "migrate", "demo", "DATABASE_URL", "GRIDHALL_LISTEN"] {
        assert!(text.contains(word), "{word} missing from --help");
    }
}

#[test]
fn demo_prints_logins_with_new_passwords_each_time() {
    let folder = tempfile::tempdir().expect("folder");
    let url = format!("sqlite://{}/gridhall.db", folder.path().display());
    let file = folder.path().join("logins.json");
    let run = || {
        let output = gridhall()
            .args(["demo", "--logins-file", file.to_str().expect("path")])
            .env("DATABASE_URL", &url)
            // The demo's application documents and mail stay in the test's folder, never in
            // the checkout.
            .env("GRIDHALL_DOCUMENT_DIR", folder.path().join("documents"))
            .env("GRIDHALL_MAIL_DIR", folder.path().join("mail"))
            .output()
            .expect("run");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let logins: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&file).expect("logins file")).expect("json");
        (stdout, logins)
    };
    let (stdout, first) = run();
    assert!(stdout.contains("zhang.wei@demo.gridhall.example"), "{stdout}");
    assert!(stdout.contains("admin@staff.gridhall.example"), "{stdout}");
    let entries = first.as_array().expect("list");
    assert_eq!(entries.len(), 10, "a customer, two enterprise users, seven staff");
    // Staff have an authenticator: its secret (base32) is printed and written beside the password.
    let admin = entries.iter().find(|e| e["email"] == "admin@staff.gridhall.example").expect("admin");
    let secret = admin["totp_secret"].as_str().expect("the staff admin's TOTP secret");
    assert!(secret.len() == 32 && stdout.contains(secret), "{stdout}");
    assert!(first[0].get("totp_secret").is_none(), "the customer has none");
    let (_, second) = run();
    assert_ne!(first[0]["password"], second[0]["password"], "new passwords at every load");
}

#[test]
fn admin_create_prints_a_one_time_link_and_refuses_a_taken_address() {
    let folder = tempfile::tempdir().expect("folder");
    let url = format!("sqlite://{}/gridhall.db", folder.path().display());
    let create = || {
        gridhall()
            .args(["admin", "create", "--email", "Wang.Qiang@Utility.example", "--name", "王强"])
            .env("DATABASE_URL", &url)
            .env("GRIDHALL_PUBLIC_URL", "https://95598.utility.example")
            .env("GRIDHALL_MAIL_DIR", folder.path().join("mail"))
            .output()
            .expect("run")
    };
    let output = create();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("https://95598.utility.example/welcome?token="), "{stdout}");
    assert!(!stdout.to_lowercase().contains("password:"), "no password is printed: {stdout}");

    let again = create();
    assert!(!again.status.success());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("already has a login"), "{stderr}");

    let bad = gridhall()
        .args(["admin", "create", "--email", "not-an-address", "--name", "X"])
        .env("DATABASE_URL", &url)
        .output()
        .expect("run");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("email: Enter an email address"));
}
