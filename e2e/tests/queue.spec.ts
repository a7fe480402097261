import { randomUUID } from 'node:crypto';
import { localDateOf } from '@frontdesk/shared';
import { apiAs, EAST_TZ, expect, newPatient, openDesk, screenshotPath, serverUrl, showDay, STAFF, test } from '../fixtures/desk.js';

// The walk-in queue with two desks and the waiting-room TV: desk A calls,
// desk B and the TV see it without reloading; desk B calls by keyboard.

test('two desks share a queue live, and the waiting-room display follows without anyone signed in', async ({ browser, db, demo }) => {
  const reception = await apiAs(STAFF.reception);
  const name = `Afternoon walk-ins ${randomUUID().slice(0, 4)}`;
  // A session of its own, so the demo's queue stays as other specs expect it.
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO capacity_session (tenant_id, branch_id, name, starts_at, ends_at, capacity)
     SELECT tenant_id, id, $2, now() - interval '30 minutes', now() + interval '2 hours', 20 FROM branch WHERE id = $1 RETURNING id`,
    [demo.east, name],
  );
  const sessionId = rows[0]!.id;
  for (const patient of ['Chloe Garcia', 'Omar Okafor', 'Lena Novak', 'Dev Patel']) {
    const p = await newPatient(reception, `${patient} ${randomUUID().slice(0, 3)}`);
    await reception.booking.issueToken.mutate({ sessionId, patientId: p.id });
  }
  const manager = await apiAs(STAFF.manager);
  const { path } = await manager.queue.createDisplay.mutate({ branchId: demo.east, name: 'Waiting room TV (e2e)' });

  const tvContext = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const tv = await tvContext.newPage();
  await tv.goto(`${serverUrl()}${path}`);
  const tvSession = tv.getByTestId('display-session').filter({ hasText: name });
  await expect(tvSession.getByTestId('display-next')).toContainText('1');

  const today = localDateOf(Date.now(), EAST_TZ);
  const desks = [];
  for (const [desk, counter] of [
    ['Desk A', 'Counter 1'],
    ['Desk B', 'Counter 2'],
  ] as const) {
    const page = await openDesk(browser, STAFF.reception, { desk });
    await showDay(page, demo.east, today);
    await page.getByTestId('tokens-open').click();
    await page.getByTestId('tokens-panel').getByText(name).click();
    await page.getByTestId('queue-counter').fill(counter);
    desks.push(page);
  }
  const [a, b] = desks as [(typeof desks)[number], (typeof desks)[number]];

  await a.getByTestId('queue-call-next').click();
  await expect(a.getByTestId('queue-now-serving')).toHaveText('1');
  // Desk B and the TV see it without a reload.
  await expect(b.getByTestId('queue-others')).toContainText('1 Counter 1');
  await expect(b.getByTestId(`session-${sessionId}`).getByTestId('now-serving')).toHaveText('1');
  await expect(tvSession.getByTestId('display-now-serving')).toContainText('1');
  await expect(tvSession.getByTestId('display-now-serving')).toContainText('Counter 1');
  await expect(tvSession.getByTestId('display-next')).toHaveText(/2\s*3\s*4/);
  // No patient names on the TV unless the clinic turns them on.
  await expect(tv.getByTestId('display-board')).not.toContainText('Chloe');

  // Desk B calls by keyboard.
  await b.getByTestId('queue-call-next').focus();
  await b.keyboard.press('n');
  await expect(b.getByTestId('queue-now-serving')).toHaveText('2');
  await expect(a.getByTestId('queue-others')).toContainText('2 Counter 2');
  await expect(tvSession.getByTestId('display-now-serving').filter({ hasText: 'Counter 2' })).toContainText('2');
  await expect(tvSession.getByTestId('display-next')).toHaveText(/3\s*4/);

  const { rows: tokens } = await db.query<{ number: number; queue_state: string; counter: string | null }>(
    'SELECT number, queue_state::text, counter FROM token WHERE session_id = $1 ORDER BY number',
    [sessionId],
  );
  expect(tokens.map((t) => [t.number, t.queue_state, t.counter])).toEqual([
    [1, 'CALLED', 'Counter 1'],
    [2, 'CALLED', 'Counter 2'],
    [3, 'WAITING', null],
    [4, 'WAITING', null],
  ]);

  await a.getByTestId('queue-panel').scrollIntoViewIfNeeded();
  await a.screenshot({ path: screenshotPath('queue') });
  await tv.screenshot({ path: screenshotPath('waiting-room') });
  for (const page of [a, b, tv]) await page.context().close();
});
