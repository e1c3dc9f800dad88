//! wx.cloud's database and files kept between runs with `--data-dir` (docs/device.md,
//! "wx.cloud"), and a damaged database file named in a clear error.

mod common;

use common::{Run, run_in};

const WRITE: &str = r#"
wx.cloud.init({ env: 'keep-env' });
const db = wx.cloud.database();
(async () => {
  const { _id } = await db.collection('notes').add({ data: { text: 'first', at: db.serverDate(), n: 1 } });
  await db.collection('notes').doc(_id).update({ data: { n: db.command.inc(1) } });
  await db.collection('notes').add({ data: { text: 'second', n: 10 } });
  require('wxrun').sandbox.put('wxfile://tmp_up.txt', 'kept bytes');
  const up = await wx.cloud.uploadFile({ cloudPath: 'docs/kept.txt', filePath: 'wxfile://tmp_up.txt' });
  console.log('wrote', _id, up.fileID);
})();
"#;

const READ: &str = r#"
wx.cloud.init({ env: 'keep-env' });
const db = wx.cloud.database();
(async () => {
  console.log('count', (await db.collection('notes').count()).total);
  const { data } = await db.collection('notes').where({ n: db.command.lt(5) }).get();
  console.log('read', data.length, data[0].text, data[0].n, data[0].at instanceof Date);
  const down = await wx.cloud.downloadFile({ fileID: 'cloud://keep-env.wxrun-keep-env/docs/kept.txt' });
  console.log('file', wx.getFileSystemManager().readFileSync(down.tempFilePath, 'utf8'));
})();
"#;

fn script(dir: &std::path::Path, name: &str, text: &str) -> String {
    std::fs::write(dir.join(name), text).unwrap();
    name.to_string()
}

#[test]
fn the_database_and_files_persist_with_a_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data_arg = data.to_str().unwrap();
    let write = script(dir.path(), "write.js", WRITE);
    let read = script(dir.path(), "read.js", READ);

    let first: Run = run_in(dir.path(), &["run", &write, "--data-dir", data_arg]);
    assert_eq!(first.code, 0, "{}\n{}", first.stdout, first.stderr);
    assert!(first.stdout.starts_with("wrote "), "{}", first.stdout);
    let file = data.join("cloud/keep-env/database.json");
    assert!(file.is_file(), "no database file at {}", file.display());

    let second = run_in(dir.path(), &["run", &read, "--data-dir", data_arg]);
    assert_eq!(second.code, 0, "{}\n{}", second.stdout, second.stderr);
    assert_eq!(
        second.stdout, "count 2\nread 1 first 2 true\nfile kept bytes\n",
        "{}",
        second.stderr
    );

    // Without --data-dir nothing was kept: the same script finds an empty database.
    let fresh = run_in(dir.path(), &["run", &read]);
    assert!(fresh.stdout.starts_with("count 0\n"), "{}", fresh.stdout);
}

#[test]
fn a_damaged_database_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = data.join("cloud/keep-env/database.json");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, "{\"notes\": [").unwrap();
    let read = script(dir.path(), "read.js", READ);
    let run = run_in(
        dir.path(),
        &["run", &read, "--data-dir", data.to_str().unwrap()],
    );
    assert_ne!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("cloud/keep-env/database.json: the cloud database file is not valid JSON"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("remove it to start with an empty database"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}
