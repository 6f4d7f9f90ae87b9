import { render } from 'preact';
import { html } from './html.ts';
import { App } from './components/app.ts';

render(html`<${App} />`, document.getElementById('app')!);
