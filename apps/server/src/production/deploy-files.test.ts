import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { APP_ROLE, SYNC_ROLE } from '../db/roles.js';
import { ENV_NAMES, readEnv } from '../env.js';
import { PROJECT_ROOT } from '../paths.js';
import { refuseUnsafeConfiguration } from './checks.js';

// Docker cannot run here, so the Dockerfile, compose.yaml and the nginx config
// are checked against what the tests do run: env.ts, the port, /healthz.

const read = (file: string): string => readFileSync(path.join(PROJECT_ROOT, file), 'utf8');

interface Service {
  image?: string;
  build?: string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(read('compose.yaml')) as { services: Record<string, Service> };
const servers = Object.entries(compose.services).filter(([, service]) => service.build === '.');
const serverEnv = servers[0]![1].environment!;

/** Dockerfile instructions, continuation lines joined and comments dropped. */
const dockerfile = read('Dockerfile')
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));
const instructions = (name: string): string[] => dockerfile.filter((line) => line.startsWith(`${name} `)).map((line) => line.slice(name.length + 1).trim());
const runtimeStage = dockerfile.slice(dockerfile.findIndex((line) => /^FROM .* AS runtime$/.test(line)));

const nginx = read('ops/nginx/frontdesk.conf');

/** `${NAME:?message}` as compose fills it in, with a password nobody ships. */
const interpolated = (value: string): string => value.replace(/\$\{(\w+):\?[^}]*\}/g, (_, name: string) => `${name.toLowerCase()}-0123456789abcdef`);

describe('compose.yaml', () => {
  it('runs PostgreSQL 15 or newer, three server processes from this Dockerfile, and nginx in front', () => {
    expect(Number(compose.services.postgres?.image?.match(/^postgres:(\d+)/)?.[1])).toBeGreaterThanOrEqual(15);
    expect(servers.map(([name]) => name)).toEqual(['server-1', 'server-2', 'server-3']);
    expect(Object.keys(compose.services.nginx?.depends_on ?? {})).toEqual(servers.map(([name]) => name));
  });

  it('gives the servers only variables env.ts reads, in production, listening beyond loopback', () => {
    for (const [, service] of servers) {
      expect(service.environment).toEqual(serverEnv);
      for (const name of Object.keys(service.environment ?? {})) expect(ENV_NAMES, `${name} is not read by env.ts`).toContain(name);
    }
    expect(serverEnv).toMatchObject({ FRONTDESK_ENV: 'production', FRONTDESK_SEED: 'none', FRONTDESK_HOST: '0.0.0.0' });
  });

  it('has no default password: every one must come from .env, and the result passes the production checks', () => {
    for (const name of ['DATABASE_URL', 'FRONTDESK_APP_DATABASE_URL', 'FRONTDESK_SYNC_DATABASE_URL']) expect(serverEnv[name]).toMatch(/:\$\{\w+_PASSWORD:\?[^}]+\}@/);
    const env = readEnv(Object.fromEntries(Object.entries(serverEnv).map(([name, value]) => [name, interpolated(value)])));
    expect(() => refuseUnsafeConfiguration(env)).not.toThrow();
  });

  it('creates the runtime roles with the passwords the servers use', () => {
    const postgres = compose.services.postgres!;
    const script = postgres.volumes?.find((volume) => volume.includes('/docker-entrypoint-initdb.d/'))?.split(':')[0];
    expect(script).toBe('./ops/postgres/init-roles.sh');
    const sql = read(script!);
    for (const role of [APP_ROLE, SYNC_ROLE]) expect(sql).toMatch(new RegExp(`CREATE ROLE ${role} LOGIN PASSWORD`));
    for (const [variable, url] of [
      ['FRONTDESK_APP_PASSWORD', 'FRONTDESK_APP_DATABASE_URL'],
      ['FRONTDESK_SYNC_PASSWORD', 'FRONTDESK_SYNC_DATABASE_URL'],
    ] as const) {
      expect(sql).toContain(`"$${variable}"`);
      expect(postgres.environment?.[variable]).toMatch(new RegExp(`^\\$\\{${variable}:\\?`));
      expect(serverEnv[url]).toContain(`\${${variable}:?`);
    }
  });
});

describe('the nginx config', () => {
  it('sends to each server process on its port, and lets the live feed stream', () => {
    const upstreams = [...nginx.matchAll(/^\s*server (\S+):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`);
    expect(upstreams).toEqual(servers.map(([name]) => `${name}:${serverEnv.FRONTDESK_PORT}`));
    expect(nginx).toMatch(/proxy_buffering off;/);
    expect(nginx).toMatch(/proxy_http_version 1\.1;/);
    // Longer than the server's ping interval and the desks' reconnect-after-silence.
    expect(nginx).toMatch(/proxy_read_timeout (\d+h|\d{3,}s);/);
  });

  it('listens on the port compose publishes', () => {
    const listen = nginx.match(/listen (\d+);/)?.[1];
    expect(compose.services.nginx?.ports).toEqual([`8080:${listen}`]);
  });
});

describe('the Dockerfile', () => {
  it('installs with npm ci from every workspace manifest, in the build and the production-dependencies stages', () => {
    const root = JSON.parse(read('package.json')) as { workspaces: string[] };
    const folders = root.workspaces.flatMap((pattern) =>
      pattern.endsWith('/*')
        ? readdirSync(path.join(PROJECT_ROOT, pattern.slice(0, -2)), { withFileTypes: true })
            .filter((entry) => entry.isDirectory())
            .map((entry) => `${pattern.slice(0, -2)}/${entry.name}`)
        : [pattern],
    );
    const manifests = folders.map((folder) => `${folder}/package.json`).filter((file) => existsSync(path.join(PROJECT_ROOT, file)));
    expect(manifests.length).toBeGreaterThanOrEqual(4);
    const copies = instructions('COPY');
    for (const manifest of manifests) {
      expect(copies, `the build stage copies ${manifest}`).toContain(`${manifest} ${path.posix.dirname(manifest)}/`);
      expect(copies, `the dependencies stage copies ${manifest}`).toContain(`--from=build /app/${manifest} ${path.posix.dirname(manifest)}/`);
    }
    expect(instructions('RUN').filter((run) => run.startsWith('npm ci'))).toHaveLength(2);
  });

  it('runs the built server with plain node as a user that is not root, checking /healthz on FRONTDESK_PORT', () => {
    const env = runtimeStage.filter((line) => line.startsWith('ENV ')).join(' ');
    for (const [, name] of env.matchAll(/(\w+)=/g)) expect(ENV_NAMES).toContain(name);
    expect(env).toContain(`FRONTDESK_PORT=${serverEnv.FRONTDESK_PORT}`);
    expect(env).toContain('FRONTDESK_HOST=0.0.0.0');
    expect(runtimeStage).toContain(`EXPOSE ${serverEnv.FRONTDESK_PORT}`);
    expect(runtimeStage.find((line) => line.startsWith('USER '))).toMatch(/^USER (?!root)\w+/);
    const healthcheck = runtimeStage.find((line) => line.startsWith('HEALTHCHECK '));
    expect(healthcheck).toContain('/healthz');
    expect(healthcheck).toContain('process.env.FRONTDESK_PORT');
    const cmd = JSON.parse(runtimeStage.find((line) => line.startsWith('CMD '))!.slice(4)) as string[];
    expect(cmd[0]).toBe('node');
    expect(cmd.at(-1)).toBe('apps/server/dist/main.js');
  });

  it('keeps installed and built files, data and secrets of this machine out of the image', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['**/node_modules', '**/dist', '.data', '.env']) expect(ignored).toContain(entry);
  });
});
