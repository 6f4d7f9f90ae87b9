import { h } from 'preact';
import htm from 'htm';

/** JSX-like templates without a JSX compile step: html`<div class=${c}>${child}</div>`. */
export const html = htm.bind(h);
