import { SingleBar } from 'cli-progress';
import { formatBytes } from './format.ts';

/**
 * Bytes sent of an upload, as a bar on stderr. cli-progress draws only on a terminal
 * (`noTTYOutput` is off), and not at all unless `shown` (off with --json), so piped and scripted
 * runs print nothing of it; `stop` leaves the final bar on its own line and gives the cursor back.
 */
export function byteProgressBar(label: string, shown: boolean) {
  const bar = new SingleBar({
    format: `${label} [{bar}] {percentage}% | {sent} / {size}`,
    hideCursor: true,
    barsize: 30,
    fps: 10,
  });
  let started = false;
  return {
    update(sent: number, total: number) {
      if (!shown) return;
      const payload = { sent: formatBytes(sent), size: formatBytes(total) };
      if (!started) bar.start(total, sent, payload);
      else bar.update(sent, payload);
      started = true;
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
