import { html } from '../html.ts';

export const StatusBadge = ({ status }: { status: string }) => html`<span class=${`status status-${status}`}>${status}</span>`;
