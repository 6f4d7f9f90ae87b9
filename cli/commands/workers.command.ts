import type { Command } from 'commander';
import { unwrap } from '../../client/src/index.ts';
import { action } from '../command-action.ts';
import { formatTime } from '../output/format.ts';
import { formatTable } from '../output/table.ts';

export function workersCommand(program: Command) {
  program
    .command('workers')
    .description('live workers: backend, device, what they train')
    .action(action(async (ctx) => {
      const { api } = await ctx.client();
      const answer = await unwrap(api.GET('/v1/workers'));
      ctx.out.answer(answer, () =>
        ctx.out.line(formatTable(
          ['ID', 'HOST', 'BACKEND', 'DEVICE', 'RUNS', 'HEARTBEAT'],
          answer.workers.map((w) => [w.id, w.hostname, w.backend, w.device, `${w.currentRuns.length}/${w.concurrency}`, formatTime(w.lastHeartbeatAt)]),
        )),
      );
    }));
}
