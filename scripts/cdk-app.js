#!/usr/bin/env node
// The CDK app command of cdk.json. It runs the built app directly, and builds it first only when what the build reads
// has changed since the last build, instead of `dotnet run`, whose up-to-date check of the project graph costs several
// seconds at every synth (scripts/bench-synth measures both). Node, not bash, so that the command works wherever the
// CDK CLI does.
//
// The app itself reads its environments (cdk/config, weights manifests included) from the folder it runs in, the
// folder of cdk.json, at every synth: they are no input of the build. The handler code under lambda/ is read and
// hashed by the constructs at synth time too.
//
//   node scripts/cdk-app.js [args]   build if needed, then run the app (what the CDK CLI does)
//   node scripts/cdk-app.js --build  build if needed and stop
//   node scripts/cdk-app.js --inputs print the files the freshness check covers, one per line
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const project = path.join(root, 'cdk', 'LlmHosting.App.csproj');
const configuration = process.env.LLMHOST_APP_CONFIGURATION || 'Debug';
const output = path.join(root, 'cdk', 'bin', configuration, 'net10.0');
const dll = path.join(output, 'LlmHosting.App.dll');
// What the last successful build was built from and what it produced; written after each build the launcher runs.
const stampFile = path.join(root, 'cdk', 'obj', `cdk-app.${configuration}.inputs.json`);

// What `dotnet build cdk/LlmHosting.App.csproj` reads in this repository (test/LlmHosting.App.Tests/Launcher compares
// this with MSBuild's own evaluation of the project graph):
// - the folders of the app and of the projects it references, directly or not: sources, project and MSBuild files;
const projectFolders = ['cdk', 'src/LlmHosting.Constructs', 'src/LlmHosting.ModelValidation'];
// - sources that those projects compile in from outside their folders (<Compile Include="../Shared/Rules/*.cs" />);
const linkedFolders = ['src/Shared'];
// - and in every folder from a project up to the repository root, the files MSBuild, NuGet, the SDK resolver and the
//   compiler look for there: Directory.Build.props, Directory.Packages.props, src/Package.Build.props (imported by
//   the construct library), global.json, nuget.config, .editorconfig.
const sourceFile = /\.(cs|resx)$/i;
const buildFile = /(\.(csproj|props|targets)|^global\.json|^nuget\.config|^\.editorconfig|^\.globalconfig)$/i;
const editorConfig = /^\.editorconfig$/i;
// Not inputs: bin/ and obj/ (the build's own output, whose creation changes folder times, which is why nothing here
// looks at a folder's time) and folders starting with a dot (left out of MSBuild's default items). Left out on
// purpose: git's state, which Nerdbank.GitVersioning turns into the assemblies' version numbers only; no template
// reads them.
const outputFolders = new Set(['bin', 'obj']);

// Files of a folder and its subfolders for which matches(name, top) holds; top: the file is directly in the folder.
function filesUnder(folder, matches, top = true) {
  let entries;
  try {
    entries = fs.readdirSync(folder, { withFileTypes: true });
  } catch {
    return [];
  }
  const files = [];
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.') && !(top && outputFolders.has(entry.name))) {
        files.push(...filesUnder(full, matches, false));
      }
    } else if (matches(entry.name, top)) {
      files.push(full);
    }
  }
  return files;
}

function ancestors(folder) {
  const folders = [];
  for (let current = path.join(root, folder); ; current = path.dirname(current)) {
    folders.push(current);
    if (current === root || path.dirname(current) === current) {
      return folders;
    }
  }
}

function inputs() {
  const files = new Set();
  for (const folder of projectFolders) {
    // MSBuild reads project and MSBuild files in the project's own folder and above, not below it; the compiler reads
    // an .editorconfig beside any source.
    filesUnder(path.join(root, folder), (name, top) => sourceFile.test(name) || editorConfig.test(name) || (top && buildFile.test(name)))
      .forEach(f => files.add(f));
  }
  for (const folder of linkedFolders) {
    filesUnder(path.join(root, folder), name => sourceFile.test(name) || editorConfig.test(name)).forEach(f => files.add(f));
  }
  for (const folder of new Set(projectFolders.flatMap(ancestors))) {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      if (entry.isFile() && buildFile.test(entry.name)) {
        files.add(path.join(folder, entry.name));
      }
    }
  }
  return [...files].map(f => path.relative(root, f).split(path.sep).join('/')).sort();
}

// The content of every input with its path: an edit, a new, deleted or renamed file changes it; times do not matter,
// so a file restored with an older time is seen too, and a touch without an edit builds nothing.
function fingerprint(files) {
  const hash = crypto.createHash('sha256');
  for (const file of files) {
    hash.update(file + '\0');
    hash.update(crypto.createHash('sha256').update(fs.readFileSync(path.join(root, file))).digest());
  }
  return hash.digest('hex');
}

// The assemblies of the last build as it left them: another build (an IDE's, `dotnet build` of other sources that were
// then reverted) replaces them, and the launcher builds again rather than run what it did not build.
function builtAssemblies() {
  try {
    return fs.readdirSync(output)
      .filter(name => name.startsWith('LlmHosting.') && name.endsWith('.dll'))
      .sort()
      .map(name => {
        const stat = fs.statSync(path.join(output, name));
        return `${name} ${stat.size} ${stat.mtimeMs}`;
      });
  } catch {
    return [];
  }
}

function isFresh(inputsHash) {
  try {
    const stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8'));
    const assemblies = builtAssemblies();
    return stamp.inputs === inputsHash && assemblies.length > 0 && JSON.stringify(stamp.assemblies) === JSON.stringify(assemblies)
      && fs.existsSync(dll);
  } catch {
    return false;
  }
}

function dotnet(args, stdio) {
  const result = spawnSync('dotnet', args, { stdio });
  if (result.error) {
    console.error(`error: cannot run dotnet (${result.error.message}): install the .NET SDK 10 (README, Prerequisites).`);
    process.exit(1);
  }
  return result.status ?? 1;
}

function buildIfNeeded() {
  // Taken before the build, so that a file saved during the build makes the next run build again.
  const inputsHash = fingerprint(inputs());
  if (isFresh(inputsHash)) {
    return;
  }
  // The build's own output goes to stderr: the CLI reads nothing from the app's stdout, but people read both.
  const status = dotnet(['build', project, '--configuration', configuration, '-v', 'q', '--nologo'], ['ignore', 2, 2]);
  if (status !== 0) {
    process.exit(status);
  }
  fs.mkdirSync(path.dirname(stampFile), { recursive: true });
  fs.writeFileSync(stampFile, JSON.stringify({ inputs: inputsHash, assemblies: builtAssemblies() }, null, 2) + '\n');
}

const args = process.argv.slice(2);
if (args[0] === '--inputs') {
  process.stdout.write(inputs().join('\n') + '\n');
} else if (args[0] === '--build') {
  buildIfNeeded();
} else {
  buildIfNeeded();
  process.exit(dotnet([dll, ...args], 'inherit'));
}
