import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DesktopSettings } from '@frontdesk/shared';

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:4400';

/** Accepts only plain http(s) origins: the CSP and the renderer are built from this. */
export function normalizeServerUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin;
  } catch {
    return null;
  }
}

export function sanitizeSettings(value: unknown, fallback: DesktopSettings): DesktopSettings {
  const v = (value ?? {}) as Partial<Record<keyof DesktopSettings, unknown>>;
  const deskName = typeof v.deskName === 'string' ? v.deskName.trim().slice(0, 80) : fallback.deskName;
  return { serverUrl: normalizeServerUrl(v.serverUrl) ?? fallback.serverUrl, deskName };
}

/** Settings live in one JSON file in the app's userData folder. */
export class SettingsStore {
  private readonly file: string;
  private current: DesktopSettings;

  constructor(
    private readonly dir: string,
    defaults: DesktopSettings,
  ) {
    this.file = path.join(dir, 'settings.json');
    let stored: unknown = null;
    if (existsSync(this.file)) {
      try {
        stored = JSON.parse(readFileSync(this.file, 'utf8'));
      } catch {
        stored = null; // a damaged file falls back to defaults rather than blocking the desk
      }
    }
    this.current = sanitizeSettings(stored, defaults);
  }

  get(): DesktopSettings {
    return { ...this.current };
  }

  save(value: unknown): DesktopSettings {
    this.current = sanitizeSettings(value, this.current);
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(this.file, JSON.stringify(this.current, null, 2), { mode: 0o600 });
    return this.get();
  }
}

export interface TokenCipher {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/**
 * The session token, encrypted with the OS keychain (safeStorage). Where no
 * keychain is available it is kept in memory only: the desk signs in again
 * after a restart rather than leaving a bearer token on disk in clear.
 */
export class TokenStore {
  private readonly file: string;
  private memory: string | null = null;

  constructor(
    dir: string,
    private readonly cipher: TokenCipher,
  ) {
    this.file = path.join(dir, 'session.bin');
  }

  load(): string | null {
    if (this.memory) return this.memory;
    if (!this.cipher.isEncryptionAvailable() || !existsSync(this.file)) return null;
    try {
      this.memory = this.cipher.decryptString(readFileSync(this.file));
    } catch {
      this.memory = null;
    }
    return this.memory;
  }

  save(token: string | null): void {
    this.memory = token;
    if (token === null) {
      rmSync(this.file, { force: true });
      return;
    }
    if (this.cipher.isEncryptionAvailable()) {
      writeFileSync(this.file, this.cipher.encryptString(token), { mode: 0o600 });
    }
  }
}
