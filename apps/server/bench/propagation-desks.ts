import { subscribeRaw } from './propagation.js';

// A share of the live-feed bench's desks in a process of its own (forked by
// propagation.ts), so that parsing 500 streams is not one event loop's work
// queued behind itself: each arrival is stamped on the wall clock
// (performance.timeOrigin + now) as this process reads it.

export type DesksCommand = { type: 'open'; desks: { index: number; url: string; token: string }[] } | { type: 'report' } | { type: 'close' };

export type DesksReport =
  | { type: 'live' }
  | { type: 'count'; received: number }
  | { type: 'arrivals'; arrivals: [seq: string, at: number, desk: number][]; ended: Record<string, number> };

const send = (report: DesksReport) => process.send?.(report);

const arrivals: [string, number, number][] = [];
const subs: ReturnType<typeof subscribeRaw>[] = [];
const ended: Record<string, number> = {};

process.on('message', (command: DesksCommand) => {
  if (command.type === 'open') {
    for (const desk of command.desks) {
      const sub = subscribeRaw(desk.url, desk.token, (seq, at) => arrivals.push([seq, at, desk.index]), (why) => (ended[why] = (ended[why] ?? 0) + 1));
      subs.push(sub);
    }
    void Promise.all(subs.map((s) => s.live)).then(() => send({ type: 'live' }));
  } else if (command.type === 'report') {
    send({ type: 'arrivals', arrivals, ended });
  } else {
    for (const s of subs) s.close();
    process.exit(0);
  }
});

setInterval(() => send({ type: 'count', received: arrivals.length }), 100).unref();
process.on('disconnect', () => process.exit(0));
