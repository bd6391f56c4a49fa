// Shared test set-up: every page is watched for console errors and failed requests, and a
// test fails if it saw any.
import { test as base, expect } from '@playwright/test';

export const test = base.extend({
  problems: [
    async ({ page }, use) => {
      const problems = [];
      page.on('console', (message) => {
        // The browser logs the 404 of a page a test opens on purpose; nothing else may log an error.
        const expected404 = message.location().url.includes('/no-such-page') && message.text().includes('404');
        if (message.type() === 'error' && !expected404) problems.push(`console error: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('requestfailed', (request) =>
        problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`),
      );
      page.on('response', (response) => {
        // A 404 page is expected only where a test asks for a missing page.
        if (response.status() >= 400 && !response.url().includes('/no-such-page')) {
          problems.push(`HTTP ${response.status()}: ${response.url()}`);
        }
      });
      await use(problems);
      expect(problems, 'console errors or failed requests').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Waits until the Wasm has hydrated the page. */
export async function hydrated(page) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}

/** The rows of the commitments table. */
export function rows(page) {
  return page.locator('table.commitments tbody tr[data-code]');
}
