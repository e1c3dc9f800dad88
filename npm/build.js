#!/usr/bin/env node
// Builds the npm packages of wxrun: the `wxrun` launcher package, and the package of one
// platform carrying a wxrun binary, with the version of the Cargo workspace; with --pack,
// packs each into a tarball with `npm pack`.
//
//   node npm/build.js --binary target/release/wxrun [--platform linux-x64] [--out dist/npm] [--pack]
//
// A release runs it once per platform (each on its own CI machine or cross build) and
// publishes every platform package before the launcher.
'use strict';

const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const PLATFORMS = {
  'darwin-arm64': { os: 'darwin', cpu: 'arm64', label: 'macOS on Apple silicon' },
  'darwin-x64': { os: 'darwin', cpu: 'x64', label: 'macOS on Intel' },
  'linux-arm64': { os: 'linux', cpu: 'arm64', label: 'Linux on arm64' },
  'linux-x64': { os: 'linux', cpu: 'x64', label: 'Linux on x64' },
  'win32-x64': { os: 'win32', cpu: 'x64', label: 'Windows on x64' },
};

function options(argv) {
  const out = { platform: process.platform + '-' + process.arch, out: 'dist/npm', pack: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--pack') out.pack = true;
    else if (['--binary', '--platform', '--out'].includes(arg) && i + 1 < argv.length) out[arg.slice(2)] = argv[++i];
    else throw new Error('unknown argument ' + arg + ' (see the usage at the top of npm/build.js)');
  }
  if (!out.binary) throw new Error('--binary PATH is required: the wxrun executable to package');
  if (!PLATFORMS[out.platform]) throw new Error('--platform ' + out.platform + ' is not one of ' + Object.keys(PLATFORMS).join(', '));
  return out;
}

// The version of the Cargo workspace, so that every package has the binary's version.
function cargoVersion(root) {
  const text = fs.readFileSync(path.join(root, 'Cargo.toml'), 'utf8');
  const section = text.split('[workspace.package]')[1] || '';
  const match = /^version\s*=\s*"([^"]+)"/m.exec(section);
  if (!match) throw new Error('no version in [workspace.package] of Cargo.toml');
  return match[1];
}

function pack(dir, out) {
  const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop();
  return path.join(out, name);
}

function main() {
  const opts = options(process.argv.slice(2));
  const root = path.resolve(__dirname, '..');
  const version = cargoVersion(root);
  const out = path.resolve(opts.out);
  fs.mkdirSync(out, { recursive: true });

  // The launcher: its package.json with this version in it and in its optionalDependencies.
  const launcher = path.join(out, 'wxrun');
  fs.rmSync(launcher, { recursive: true, force: true });
  fs.mkdirSync(path.join(launcher, 'bin'), { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, 'wxrun', 'package.json'), 'utf8'));
  manifest.version = version;
  for (const name of Object.keys(manifest.optionalDependencies)) manifest.optionalDependencies[name] = version;
  fs.writeFileSync(path.join(launcher, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  fs.copyFileSync(path.join(__dirname, 'wxrun', 'bin', 'wxrun.js'), path.join(launcher, 'bin', 'wxrun.js'));
  fs.chmodSync(path.join(launcher, 'bin', 'wxrun.js'), 0o755);
  fs.copyFileSync(path.join(root, 'README.md'), path.join(launcher, 'README.md'));

  // The platform's package: the binary, executable, limited to its os and cpu.
  const platform = PLATFORMS[opts.platform];
  const dir = path.join(out, 'wxrun-' + opts.platform);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  const exe = 'wxrun' + (platform.os === 'win32' ? '.exe' : '');
  fs.copyFileSync(opts.binary, path.join(dir, 'bin', exe));
  fs.chmodSync(path.join(dir, 'bin', exe), 0o755);
  const platformManifest = {
    name: '@wxrun/' + opts.platform,
    version,
    description: 'The wxrun binary for ' + platform.label + ' (installed by the wxrun package).',
    license: manifest.license,
    os: [platform.os],
    cpu: [platform.cpu],
    files: ['bin/' + exe],
    preferUnplugged: true,
  };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(platformManifest, null, 2) + '\n');
  fs.writeFileSync(path.join(dir, 'README.md'), '# ' + platformManifest.name + '\n\n' + platformManifest.description + ' Install `wxrun` instead: `npm i -D wxrun`.\n');

  const made = [launcher, dir];
  if (opts.pack) {
    for (const folder of made) console.log(pack(folder, out));
  } else {
    for (const folder of made) console.log(folder);
  }
}

try {
  main();
} catch (error) {
  process.stderr.write('npm/build.js: ' + error.message + '\n');
  process.exit(1);
}
