import { useEffect } from 'react';
import { myHold, rememberMyHold } from './desk-memory.js';
import { getToken } from './session.js';

/**
 * When the window closes (or reloads), the hold it was booking is let go at
 * once rather than left to its deadline: a best-effort request that outlives
 * the page (`keepalive`), signed with this desk's session. The server only
 * releases this sign-in's own live holds; if the request never arrives, the
 * hold still ends at its deadline or with the session.
 */
export function useReleaseOnUnload(serverUrl: string): void {
  useEffect(() => {
    const release = () => {
      const hold = myHold();
      const token = getToken();
      if (!hold || !token) return;
      rememberMyHold(null);
      void fetch(`${serverUrl}/trpc/booking.releaseMine`, {
        method: 'POST',
        keepalive: true,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ appointmentIds: [hold] }),
      }).catch(() => undefined);
    };
    window.addEventListener('pagehide', release);
    return () => window.removeEventListener('pagehide', release);
  }, [serverUrl]);
}
