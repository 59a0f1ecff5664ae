/**
 * EVENT_SYSTEM_GUIDE.md's two processes, as written there (the positional
 * path, no group): role `send` is process A, role `receive` is process B,
 * which prints what it got as {received: [...]}. CONFIG: {role, db}.
 */
import { CrossProcessEventQueue } from '../../../runtime/sqlite/index.js';

const config = JSON.parse(process.env.CONFIG ?? '{}') as { role: 'send' | 'receive'; db: string };

const queue = new CrossProcessEventQueue(config.db);
if (config.role === 'send') {
  await queue.send('TRAINING_COMPLETED', { config: 'hex8_2p' });
} else {
  const events = await queue.receive({ eventTypes: ['TRAINING_COMPLETED'] });
  process.stdout.write(`${JSON.stringify({ received: events.map((e) => ({ type: e.type, payload: e.payload })) })}\n`);
  for (const e of events) e.ack();
}
await queue.close();
