//! Starts the test servers for manual use: `wx-testkit [DIR]` writes DIR/wxrun.json (default:
//! the current folder), prints the environment for scripts, and serves until Ctrl-C.

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    let servers = wx_testkit::TestServers::start()?;
    let config = servers.write_config(&dir)?;
    println!("wrote {}", config.display());
    println!(
        "HTTPS {}  (api.wxrun.test and friends through connectTo)",
        servers.https
    );
    for (key, value) in servers.env() {
        println!("export {key}={value}");
    }
    println!("serving; press Ctrl-C to stop");
    std::io::Write::flush(&mut std::io::stdout())?;
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(tokio::signal::ctrl_c())
}
