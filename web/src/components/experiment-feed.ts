import { number } from '../format.ts';
import { html } from '../html.ts';
import type { ExperimentEvent } from '../types.ts';

/** One event in words: what a watcher of the search wants to read as it happens. */
function describe(e: ExperimentEvent): string {
  const trial = `trial ${e.index ?? '?'}`;
  switch (e.type) {
    case 'trial_created':
      return `${trial} created`;
    case 'trial_promoted':
      return `${trial} promoted to rung ${e.rung}`;
    case 'trial_paused':
      return `${trial} paused at rung ${e.rung} (${number(e.metric)})`;
    case 'trial_completed':
      return `${trial} ${e.state} (${number(e.metric)})`;
    case 'new_best':
      return `new best: ${trial}, ${number(e.metric)}`;
    case 'status':
      return `search ${e.status}`;
  }
}

/** The latest events of the search, newest first, as they arrive on its stream. */
export function ExperimentFeed({ feed }: { feed: ExperimentEvent[] }) {
  if (feed.length === 0) return null;
  return html`<section class="feed" aria-live="polite">
    <h2>Latest events</h2>
    <ol data-testid="experiment-feed">${feed.map((e) => html`<li key=${e.seq} data-type=${e.type}><time>${new Date(e.at).toLocaleTimeString()}</time> ${describe(e)}</li>`)}</ol>
  </section>`;
}
