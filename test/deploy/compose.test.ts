import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const composeFile = path.join(__dirname, '..', '..', 'docker-compose.yml');
const hasCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
if (!hasCompose) {
  console.log('skipping docker-compose.yml validation: Debian\'s `docker-compose` is not installed (apt-get install -y docker-compose); .ci/run installs it');
}

const fakeSecrets = { STORELINK_DB_PASSWORD: 'fake-password', STORELINK_ENCRYPTION_KEY: 'ZmFrZS1rZXktZm9yLWNvbXBvc2UtdmFsaWRhdGlvbi0hIQ==' };

function compose(file: string, ...args: string[]) {
  return spawnSync('docker-compose', ['-f', file, ...args], { encoding: 'utf8', env: { ...process.env, ...fakeSecrets } });
}

(hasCompose ? describe : describe.skip)('docker-compose.yml (production shape)', () => {
  it('is valid and has Postgres, Temporal on Postgres, the Web UI, the API and scalable workers', () => {
    const checked = compose(composeFile, 'config', '-q');
    expect(checked.stderr).toBe('');
    expect(checked.status).toBe(0);
    const services = compose(composeFile, 'config', '--services').stdout.trim().split('\n').sort();
    expect(services).toEqual(['api', 'postgres', 'temporal', 'temporal-setup', 'temporal-ui', 'worker']);
    const resolved = compose(composeFile, 'config').stdout;
    expect(resolved).toMatch(/DB: postgres12/);
    expect(resolved).toMatch(/replicas: 2/);
  });

  it('the validator does reject a broken file (so the check above means something)', () => {
    const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'compose-')), 'docker-compose.yml');
    fs.writeFileSync(broken, fs.readFileSync(composeFile, 'utf8').replace('image: postgres:15', 'imagex: postgres:15'));
    const checked = compose(broken, 'config', '-q');
    expect(checked.status).not.toBe(0);
    expect(checked.stderr).toMatch(/imagex/);
  });
});
