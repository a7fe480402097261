import { describe, expect, it } from 'vitest';
import { databaseUrls } from '../db/roles.js';
import { readEnv } from '../env.js';
import { refuseUnsafeConfiguration } from './checks.js';

const OWNER = 'postgresql://owner:Zq8v-long-and-random@db.example:5432/frontdesk';
const production = (vars: Record<string, string>) => readEnv({ FRONTDESK_ENV: 'production', FRONTDESK_SEED: 'none', DATABASE_URL: OWNER, ...vars });
const refusal = (vars: Record<string, string>): string => {
  try {
    refuseUnsafeConfiguration(production(vars));
  } catch (error) {
    expect((error as Error).name).toBe('ProductionRefusal');
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
};

describe('FRONTDESK_ENV=production refuses what anyone could know', () => {
  it('accepts an owner password of its own, with derived or explicit runtime roles', () => {
    expect(() => refuseUnsafeConfiguration(production({}))).not.toThrow();
    const explicit = {
      FRONTDESK_APP_DATABASE_URL: 'postgresql://frontdesk_app:app-secret-1@db.example:5432/frontdesk',
      FRONTDESK_SYNC_DATABASE_URL: 'postgresql://frontdesk_sync:sync-secret-2@db.example:5432/frontdesk',
    };
    expect(() => refuseUnsafeConfiguration(production(explicit))).not.toThrow();
  });

  it('refuses the demo seed, which is also what an unset FRONTDESK_SEED means', () => {
    expect(refusal({ FRONTDESK_SEED: 'demo' })).toMatch(/FRONTDESK_SEED is "demo".*set FRONTDESK_SEED=none/);
    expect(() => refuseUnsafeConfiguration(readEnv({ FRONTDESK_ENV: 'production', DATABASE_URL: OWNER }))).toThrow(/FRONTDESK_SEED/);
  });

  it('refuses the embedded database, whose password is fixed', () => {
    expect(() => refuseUnsafeConfiguration(readEnv({ FRONTDESK_ENV: 'production', FRONTDESK_SEED: 'none' }))).toThrow(/DATABASE_URL is not set/);
  });

  it("refuses the embedded database's password and the demo password for the owner", () => {
    expect(refusal({ DATABASE_URL: 'postgresql://frontdesk:frontdesk@db.example:5432/frontdesk' })).toMatch(/DATABASE_URL uses a default password/);
    expect(refusal({ DATABASE_URL: 'postgresql://owner:frontdesk-demo@db.example:5432/frontdesk' })).toMatch(/DATABASE_URL uses a default password/);
  });

  it('refuses runtime-role passwords derived from a default, or from an owner URL without a password', () => {
    const derived = databaseUrls('postgresql://frontdesk:frontdesk@elsewhere:5432/other');
    const message = refusal({ FRONTDESK_APP_DATABASE_URL: derived.app, FRONTDESK_SYNC_DATABASE_URL: derived.sync });
    expect(message).toMatch(/FRONTDESK_APP_DATABASE_URL uses a default password/);
    expect(message).toMatch(/FRONTDESK_SYNC_DATABASE_URL uses a default password/);
    expect(refusal({ DATABASE_URL: 'postgresql://owner@db.example:5432/frontdesk' })).toMatch(/DATABASE_URL has no password/);
  });

  it('lists every problem at once, one per line', () => {
    const message = refusal({ FRONTDESK_SEED: 'demo', DATABASE_URL: 'postgresql://frontdesk:frontdesk@db.example/frontdesk' });
    expect(message.split('\n').filter((line) => line.startsWith('  - '))).toHaveLength(2);
  });
});
