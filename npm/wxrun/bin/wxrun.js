#!/usr/bin/env node
// The `wxrun` command of the npm package: runs the wxrun binary that npm installed for this
// machine (one of the optionalDependencies, chosen by its "os" and "cpu"), passing the
// arguments, the standard streams, the exit code and a fatal signal through.
'use strict';

const { spawnSync } = require('child_process');

const PACKAGES = {
  'darwin-arm64': '@wxrun/darwin-arm64',
  'darwin-x64': '@wxrun/darwin-x64',
  'linux-arm64': '@wxrun/linux-arm64',
  'linux-x64': '@wxrun/linux-x64',
  'win32-x64': '@wxrun/win32-x64',
};

function fail(message) {
  process.stderr.write('wxrun: ' + message + '\n');
  process.exit(2);
}

function binary() {
  // For a binary built from source (cargo build --release).
  if (process.env.WXRUN_BINARY) return process.env.WXRUN_BINARY;
  const platform = process.platform + '-' + process.arch;
  const name = PACKAGES[platform];
  if (!name) {
    fail('there is no wxrun build for ' + platform + ' (builds: ' + Object.keys(PACKAGES).join(', ') + '); build it from source and set WXRUN_BINARY');
  }
  const file = 'bin/wxrun' + (process.platform === 'win32' ? '.exe' : '');
  try {
    return require.resolve(name + '/' + file);
  } catch (error) {
    fail('the package ' + name + ', which carries the binary for ' + platform + ', is not installed; npm leaves optional dependencies out with --omit=optional or --no-optional: reinstall wxrun without it');
  }
  return undefined;
}

const result = spawnSync(binary(), process.argv.slice(2), { stdio: 'inherit', windowsHide: true });
if (result.error) fail('cannot run ' + result.error.path + ': ' + result.error.message);
if (result.signal) process.kill(process.pid, result.signal);
process.exit(result.status === null ? 1 : result.status);
