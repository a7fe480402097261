import { useEffect, useRef } from 'react';

// The desk's one keyboard mechanism: the app, each screen and each overlay
// register their keys here, and one window listener runs the first that
// applies, looking at the top layer first. Nothing runs while a Ctrl, Cmd or
// Alt chord is held, nor while typing in a field unless a key says so.

export interface Shortcut {
  key: string;
  label: string;
  run: () => void;
  when?: () => boolean;
  /** true: only with Shift; false: only without; unset: either (`?` needs Shift on most layouts). */
  shift?: boolean;
  /** Also while typing in a field (Escape closes things from anywhere). */
  whileTyping?: boolean;
}

/** Keys of a screen win over the app's, an overlay's over everything below it. */
const LAYERS = { app: 0, screen: 1, overlay: 2 } as const;
export type Layer = keyof typeof LAYERS;

interface Registration {
  rank: number;
  shortcuts: { current: Shortcut[] };
}
const registered: Registration[] = [];

export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
}

function matches(s: Shortcut, e: KeyboardEvent, typing: boolean): boolean {
  if (s.key !== e.key) return false;
  if (s.shift !== undefined && s.shift !== e.shiftKey) return false;
  if (typing && !s.whileTyping) return false;
  return !s.when || s.when();
}

/** A focused region that answers these keys itself (`data-own-keys="nrsd"`, e.g. the queue panel): the desk's keys stand aside there. */
function ownedByFocus(e: KeyboardEvent): boolean {
  const owner = e.target instanceof Element ? e.target.closest('[data-own-keys]') : null;
  return !!owner && e.key.length === 1 && (owner.getAttribute('data-own-keys') ?? '').includes(e.key.toLowerCase());
}

function onKeyDown(e: KeyboardEvent): void {
  if (e.ctrlKey || e.metaKey || e.altKey || ownedByFocus(e)) return;
  const typing = isTyping(e.target);
  const topFirst = [...registered].sort((a, b) => b.rank - a.rank);
  for (const { shortcuts } of topFirst) {
    const shortcut = shortcuts.current.find((s) => matches(s, e, typing));
    if (shortcut) {
      e.preventDefault();
      shortcut.run();
      return;
    }
  }
}

/** Registers `shortcuts` while the component is mounted; the latest render's list is the one used. */
export function useShortcuts(shortcuts: Shortcut[], layer: Layer = 'app'): void {
  const ref = useRef(shortcuts);
  useEffect(() => {
    ref.current = shortcuts;
  });
  useEffect(() => {
    const registration = { rank: LAYERS[layer], shortcuts: ref };
    // Capture phase: a screen's keys run before a focused button turns Enter into a click.
    if (registered.length === 0) window.addEventListener('keydown', onKeyDown, true);
    registered.push(registration);
    return () => {
      registered.splice(registered.indexOf(registration), 1);
      if (registered.length === 0) window.removeEventListener('keydown', onKeyDown, true);
    };
  }, [layer]);
}
