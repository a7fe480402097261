import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * A ref and a way to ask for focus on it: the focus happens after the next
 * render, so a field that the same update brings on screen gets it too.
 */
export function useFocusRequest<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [asked, setAsked] = useState(0);
  useEffect(() => {
    if (asked > 0) ref.current?.focus();
  }, [asked]);
  const focus = useCallback(() => setAsked((n) => n + 1), []);
  return { ref, focus };
}
