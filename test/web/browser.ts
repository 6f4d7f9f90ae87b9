import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium (`.ci/run` installs it); playwright-core drives it and downloads no browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const SCREENSHOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../.ci/out/screenshots');

export function launchBrowser(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** What a page reported that a test should fail on: CSP violations, console errors, uncaught exceptions. */
export interface PageProblems {
  csp: string[];
  errors: string[];
}

/**
 * A fresh context per page (so sessionStorage starts empty), at the 1280×800 the issue names,
 * recording every CSP violation (the browser's own event, not a log line) and every error.
 */
export async function openPage(browser: Browser, viewport = { width: 1280, height: 800 }, colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; problems: PageProblems }> {
  const context = await browser.newContext({ viewport, colorScheme, acceptDownloads: true });
  const page = await context.newPage();
  const problems: PageProblems = { csp: [], errors: [] };
  await page.exposeFunction('__reportCsp', (directive: string) => problems.csp.push(directive));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __reportCsp: (d: string) => void }).__reportCsp(`${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('console', (message) => {
    // A dropped socket is logged by the browser as an error the test caused on purpose; the
    // 401 of the wrong-key sign-in likewise.
    if (message.type() === 'error' && !/WebSocket|401|Failed to load resource/.test(message.text())) problems.errors.push(message.text());
  });
  page.on('pageerror', (err) => problems.errors.push(err.message));
  return { page, problems };
}

export async function signIn(page: Page, baseUrl: string, key: string, hash = ''): Promise<void> {
  await page.goto(`${baseUrl}/${hash}`);
  await page.fill('#api-key', key);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=team-name]');
}

export async function screenshot(page: Page, name: string, { fullPage = true } = {}): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage });
}
