import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.join(__dirname, '..');

/** Runs the real bootstrap script in a copy of scripts/ with a PATH that lacks temporal and Python. */
function bootstrapWithBarePath(): { status: number | null; stderr: string } {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'storelink-bootstrap-'));
  fs.cpSync(path.join(root, 'scripts'), path.join(project, 'scripts'), { recursive: true });
  fs.mkdirSync(path.join(project, 'node_modules'));
  fs.writeFileSync(path.join(project, 'node_modules', '.package-lock.json'), '{}');
  const bareBin = fs.mkdtempSync(path.join(os.tmpdir(), 'storelink-bin-'));
  fs.symlinkSync(process.execPath, path.join(bareBin, 'node'));
  const result = spawnSync(process.execPath, [path.join(project, 'scripts', 'bootstrap.mjs')], {
    env: { PATH: bareBin, HOME: project },
    encoding: 'utf8',
  });
  return { status: result.status, stderr: result.stderr };
}

describe('bootstrap', () => {
  it('says what to install when neither temporal nor Python with pip is available', () => {
    const { status, stderr } = bootstrapWithBarePath();
    expect(status).toBe(1);
    expect(stderr).toMatch(/The Temporal CLI is not on PATH and cannot be installed: Python 3 with pip is required/);
    expect(stderr).toMatch(/apt-get install -y python3 python3-pip/);
  });
});
