import { useSyncExternalStore } from 'react';
import type { StaffView } from '@frontdesk/shared';

// Who is signed in at this desk. The token lives in the OS keychain through
// the preload bridge in Electron, in localStorage in a plain browser.

export interface Session {
  token: string;
  staff: StaffView;
  desk: string;
  /** Signed in with a temporary password: the desk asks for a new one before anything else. */
  mustChangePassword?: boolean;
  /** Where the desk opens this time (the first run lands in Setup); not kept across restarts. */
  landing?: 'setup';
}

const STAFF_KEY = 'frontdesk.staff';
const TOKEN_KEY = 'frontdesk.token';
let current: Session | null = null;
const listeners = new Set<() => void>();

export function getToken(): string | null {
  return current?.token ?? null;
}

export function getSession(): Session | null {
  return current;
}

export async function restoreSession(): Promise<Session | null> {
  const bridge = window.frontdesk;
  const token = bridge ? await bridge.loadToken() : localStorage.getItem(TOKEN_KEY);
  const stored = localStorage.getItem(STAFF_KEY);
  if (!token || !stored) return null;
  try {
    const { staff, desk, mustChangePassword } = JSON.parse(stored) as { staff: StaffView; desk: string; mustChangePassword?: boolean };
    current = { token, staff, desk, mustChangePassword: mustChangePassword === true };
  } catch {
    current = null;
  }
  return current;
}

export async function setSession(session: Session | null): Promise<void> {
  current = session;
  const bridge = window.frontdesk;
  if (bridge) await bridge.saveToken(session?.token ?? null);
  else if (session) localStorage.setItem(TOKEN_KEY, session.token);
  else localStorage.removeItem(TOKEN_KEY);
  if (session) localStorage.setItem(STAFF_KEY, JSON.stringify({ staff: session.staff, desk: session.desk, mustChangePassword: session.mustChangePassword === true }));
  else localStorage.removeItem(STAFF_KEY);
  for (const l of listeners) l();
}

export function useSession(): Session | null {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
}
