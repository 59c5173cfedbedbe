// Tools shared by the cross-process servers: `fast` and `baggage` (answers with
// the baggage entry `user.tier` its handler sees in the active context).
import { context, propagation } from '@opentelemetry/api';

export function registerTools(server) {
  server.registerTool('fast', { description: 'Answers at once.' }, async () => ({
    content: [{ type: 'text', text: 'ok' }],
  }));
  server.registerTool('baggage', { description: 'Echoes the user.tier baggage.' }, async () => ({
    content: [
      {
        type: 'text',
        text: propagation.getBaggage(context.active())?.getEntry('user.tier')?.value ?? 'none',
      },
    ],
  }));
}
