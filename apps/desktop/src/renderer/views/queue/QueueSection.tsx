import { roleMay, type DayView } from '@frontdesk/shared';
import { useSession } from '../../lib/session.js';
import { DisplayLinks } from './DisplayLinks.js';
import { QueuePanel } from './QueuePanel.js';

/** The queue screen inside the tokens panel: the chosen session's queue, and the branch's displays for managers. */
export function QueueSection({ day, sessionId }: { day: DayView; sessionId: string }) {
  const session = useSession()!;
  return (
    <>
      {sessionId && roleMay(session.staff.role, 'tokens.issue') && <QueuePanel key={sessionId} sessionId={sessionId} />}
      {roleMay(session.staff.role, 'schedule.manage') && <DisplayLinks branchId={day.branchId} />}
    </>
  );
}
