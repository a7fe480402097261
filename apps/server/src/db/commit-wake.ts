// Who wakes the log readers after a commit that wrote events. A database
// handle registered here belongs to a server process whose log reader sends
// one coalesced NOTIFY after its commits (sync/log-reader.ts), so its
// transactions ask the event trigger not to notify (see the perf migration):
// a NOTIFY inside the transaction would serialise every committer.

/** What a registered handle's transactions report to: after a commit that wrote events. */
export interface CommitWaker {
  /** Whether a wake-up after commit can be sent now (the reader's connection is up); if not, the trigger notifies. */
  readonly canWake: boolean;
  /** The transaction that wrote events has committed. */
  committed(): void;
}

/** What a commit's listeners learn of each event: enough to tell whose cached state it touches. */
export interface CommittedEvent {
  type: string;
  tenantId: string;
}

const wakers = new WeakMap<object, CommitWaker>();
const wroteEvents = new WeakMap<object, CommittedEvent[]>();
const listeners = new Set<(events: readonly CommittedEvent[]) => void>();

/** Transactions run on `db` are woken after by `waker` instead of the trigger's NOTIFY. */
export function wakeAfterCommit<W extends CommitWaker>(db: object, waker: W): W {
  wakers.set(db, waker);
  return waker;
}

export function commitWakerOf(db: object): CommitWaker | undefined {
  return wakers.get(db);
}

/** Called by appendEvents: this transaction wrote events, so its commit must wake the readers. */
export function noteEventsWritten(tx: object, events: readonly CommittedEvent[] = []): void {
  const written = wroteEvents.get(tx) ?? [];
  written.push(...events.map((e) => ({ type: e.type, tenantId: e.tenantId })));
  wroteEvents.set(tx, written);
}

/** The events a transaction wrote (null when it wrote none). */
export function eventsWrittenIn(tx: object): readonly CommittedEvent[] | null {
  return wroteEvents.get(tx) ?? null;
}

/** Called with the events of every commit this process knows of (see noteCommitted); returns the way to stop. */
export function onCommitted(listener: (events: readonly CommittedEvent[]) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

let generation = 0;

/**
 * Moves on after every commit with events this process knows of: its own
 * (db/tx.ts) and other processes' (as its log reader reads them). What was
 * read at one generation may be reused while it stands (availability's
 * shared alternatives).
 */
export function commitGeneration(): number {
  return generation;
}

export function noteCommitted(events: readonly CommittedEvent[]): void {
  generation++;
  for (const listener of listeners) listener(events);
}
