import { useEffect, useState } from 'react';

/** A short message that clears itself after a few seconds. */
export function useNotice(ms = 4000): [string | null, (message: string | null) => void] {
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => setNotice(null), ms);
    return () => clearTimeout(t);
  }, [notice, ms]);
  return [notice, setNotice];
}
