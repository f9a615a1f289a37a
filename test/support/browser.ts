import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startLocalHostProcess, type LocalHostProcess } from './localHostProcess';

/**
 * Headless Chromium for the browser tests: the Debian package's binary (never a downloaded one), with
 * everything that would talk to the network on its own turned off. One browser per test file; each test
 * opens its own context (its own cookies).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

/**
 * A browser test file's two long-lived parts, started at once. When one fails, the other is closed
 * before the error is thrown, so nothing outlives the file.
 */
export async function startHostAndBrowser(): Promise<{ host: LocalHostProcess; browser: Browser }> {
  const [started, launched] = await Promise.allSettled([startLocalHostProcess(), launchBrowser()]);
  if (started.status === 'fulfilled' && launched.status === 'fulfilled')
    return { host: started.value, browser: launched.value };
  if (launched.status === 'fulfilled') await launched.value.close();
  if (started.status === 'fulfilled') await started.value.stop();
  throw started.status === 'rejected' ? started.reason : (launched as PromiseRejectedResult).reason;
}

export const SCREENSHOT_DIR = path.resolve(__dirname, '../../test-results/screenshots');

/** Saves a full-page screenshot to test-results/screenshots/<name>.png (git-ignored), kept as a test artifact. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * On the local (dev) sign-in page, chooses the user with this UPN. The button's accessible name holds
 * "<upn>", so finding it by role also proves the choice is reachable by assistive technology.
 */
export async function signInAs(page: Page, upn: string): Promise<void> {
  await page.waitForURL(/\/api\/dev\/signin\?returnTo=/);
  const button = page.getByRole('button', { name: `<${upn}>` });
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/api/dev/signin')), button.click()]);
}
