// What other features use of messages: `messages.enqueue(tx, {...})` inside their own transaction.
import { enqueue } from './schedule.js';

export type { EnqueueRequest } from './schedule.js';
export const messages = { enqueue };
