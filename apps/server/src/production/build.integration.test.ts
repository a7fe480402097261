import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../auth/password.js';
import { seedDemo } from '../seed/demo.js';
import { loginAt, startServerProcess, type ServerProcess } from '../testing/remote.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { startOwnCluster, type OwnCluster } from '../testing/own-cluster.js';
import { refuseDemoPasswords } from './checks.js';

const BUILD_SCRIPT = fileURLToPath(new URL('../../scripts/build.mjs', import.meta.url));

describe('npm run build: a server that plain node runs', () => {
  let db: TestDatabase;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    // esbuild takes about a second: build every time, so the test runs the code as it is now.
    const build = spawnSync(process.execPath, [BUILD_SCRIPT], { encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    db = await createTestDatabase({ poolSize: 2 });
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.kill()));
    await db?.drop();
  });

  it('migrates, answers /healthz and signs a desk in, with no tsx at run time', async () => {
    const clinic = await seedDemo(db.owner, { emailDomain: 'built.frontdesk.test', patients: 2 });
    const server = await startServerProcess(db.url, {}, 'built');
    servers.push(server);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    await expect(loginAt(server.url, clinic.staff.receptionist.email, clinic.password)).resolves.toEqual(expect.any(String));
  });

  it('in production, refuses the demo seed and the default passwords in plain words, with exit code 1', async () => {
    // The suite's database logs in with the embedded cluster's fixed password.
    const refused = startServerProcess(db.url, { FRONTDESK_ENV: 'production', FRONTDESK_SEED: 'demo' }, 'built');
    await expect(refused).rejects.toThrow(/exited \(1\)/);
    const message = await refused.catch((error: Error) => error.message);
    expect(message).toContain('Frontdesk could not start: FRONTDESK_ENV=production refuses what anyone could know:');
    expect(message).toContain('FRONTDESK_SEED is "demo"');
    expect(message).toContain('DATABASE_URL uses a default password');
    expect(message).not.toMatch(/\n\s+at /);
  });

  it('in production, finds any account that still signs in with the demo password', async () => {
    // The demo clinic seeded above kept the demo password.
    await expect(refuseDemoPasswords(db.url)).rejects.toThrow(/account\(s\) still sign in with the demo password "frontdesk-demo" \(.*@built\.frontdesk\.test/);
    await db.sql.query('UPDATE staff SET password_hash = $1', [await hashPassword('a password of their own')]);
    await expect(refuseDemoPasswords(db.url)).resolves.toBeUndefined();
  });
});

describe('the built server in production', () => {
  let cluster: OwnCluster;
  let server: ServerProcess | undefined;
  const ownerUrl = (url: string, password: string): string => Object.assign(new URL(url), { username: 'clinic_owner', password }).toString();

  beforeAll(async () => {
    // A cluster of its own: the server sets the runtime roles' passwords, and roles are cluster-wide.
    cluster = await startOwnCluster('postgres');
  });

  afterAll(async () => {
    await server?.kill();
    await cluster?.destroy();
  });

  it('starts with passwords of its own and no seed, as an owner that is no superuser (as on a managed service)', async () => {
    const password = randomBytes(18).toString('hex');
    const admin = new pg.Client({ connectionString: cluster.url('postgres') });
    await admin.connect();
    await admin.query(`CREATE ROLE clinic_owner LOGIN CREATEROLE PASSWORD '${password}'`);
    await admin.query('CREATE DATABASE clinic OWNER clinic_owner');
    await admin.end();
    server = await startServerProcess(ownerUrl(cluster.url('clinic'), password), { FRONTDESK_ENV: 'production', FRONTDESK_SEED: 'none' }, 'built');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
