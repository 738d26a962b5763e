#!/usr/bin/env node
// The CDK app command of cdk.json. It runs the built app directly and builds it first only when a source is newer
// than the last build, instead of `dotnet run`, whose up-to-date check of the project graph costs several seconds at
// every synth (scripts/bench-synth measures both). Node, not bash, so that the command works wherever the CDK CLI does.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const project = path.join(root, 'cdk', 'LlmHosting.App.csproj');
const configuration = process.env.LLMHOST_APP_CONFIGURATION || 'Debug';
const dll = path.join(root, 'cdk', 'bin', configuration, 'net10.0', 'LlmHosting.App.dll');
// Written after every successful build.
const stamp = path.join(root, 'cdk', 'obj', `cdk-app.${configuration}.stamp`);

// What the app's build reads. Environment files (cdk/config) are read at run time and need no build.
const sourceRoots = ['cdk', 'src', 'lambda', 'Directory.Build.props', 'Directory.Packages.props', 'global.json', 'nuget.config'];
const skipped = new Set(['bin', 'obj', 'node_modules', 'config', 'cdk.out']);

function newestChange(entry) {
  let stat;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) {
    return stat.mtimeMs;
  }
  let newest = stat.mtimeMs; // a deleted or renamed file changes its folder's time
  for (const child of fs.readdirSync(entry)) {
    if (!skipped.has(child)) {
      newest = Math.max(newest, newestChange(path.join(entry, child)));
    }
  }
  return newest;
}

// When the last build started; -1 without a stamp or a built app. (A build that changes nothing leaves the dll's time
// alone, so the dll's own time says nothing.)
function builtAt() {
  try {
    fs.statSync(dll);
    return fs.statSync(stamp).mtimeMs;
  } catch {
    return -1;
  }
}

const sourcesChanged = Math.max(...sourceRoots.map(r => newestChange(path.join(root, r))));
function dotnet(args, stdio) {
  const result = spawnSync('dotnet', args, { stdio });
  if (result.error) {
    console.error(`error: cannot run dotnet (${result.error.message}): install the .NET SDK 10 (README, Prerequisites).`);
    process.exit(1);
  }
  return result.status ?? 1;
}

if (builtAt() < sourcesChanged) {
  // Stamped with the time the build started, so that a file saved during the build makes the next synth build again.
  const started = new Date();
  // The build's own output goes to stderr: the CLI reads nothing from the app's stdout, but people read both.
  const status = dotnet(['build', project, '--configuration', configuration, '-v', 'q', '--nologo'], ['ignore', 2, 2]);
  if (status !== 0) {
    process.exit(status);
  }
  fs.mkdirSync(path.dirname(stamp), { recursive: true });
  fs.writeFileSync(stamp, started.toISOString() + '\n');
  fs.utimesSync(stamp, started, started);
}

process.exit(dotnet([dll, ...process.argv.slice(2)], 'inherit'));
