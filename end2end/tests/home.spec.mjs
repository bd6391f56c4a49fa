// The home page as a visitor uses it: service commitments, the area filter, the language.
import { test, expect, hydrated, rows } from './fixtures.mjs';

test('shows the service commitments in Chinese by default', async ({ page }) => {
  const response = await page.goto('/');
  expect(response.status()).toBe(200);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('我们的服务承诺');
  await expect(rows(page)).toHaveCount(30);
  const residential = page.locator('tr[data-code="connection.total.residential"]');
  await expect(residential).toContainText('居民客户办电全流程');
  await expect(residential).toContainText('5 个工作日');
  await expect(page.getByRole('contentinfo')).toContainText('95598');
});

test('filters by service area in place, without loading a new page', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await page.evaluate(() => { window.__samePage = true; });

  await page.getByRole('link', { name: '故障抢修' }).click();
  await expect(rows(page)).toHaveCount(3);
  await expect(page).toHaveURL(/\?area=repair$/);
  await expect(page.getByRole('link', { name: '故障抢修' })).toHaveAttribute('aria-current', 'true');
  await expect(page.locator('.summary')).toContainText('共 3 项承诺');

  await page.getByRole('link', { name: '业扩报装' }).click();
  await expect(rows(page)).toHaveCount(16);

  await page.getByRole('link', { name: '全部' }).click();
  await expect(rows(page)).toHaveCount(30);
  expect(await page.evaluate(() => window.__samePage)).toBe(true);
});

test('an area link opened directly is rendered filtered by the server', async ({ page }) => {
  await page.goto('/?area=complaint');
  await expect(rows(page)).toHaveCount(4);
  await hydrated(page);
  await expect(rows(page)).toHaveCount(4);
});

test('switches to English in place and remembers it for the next visit', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await page.evaluate(() => { window.__samePage = true; });

  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Our service commitments');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('button', { name: 'English' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('tr[data-code="repair.arrival.urban"]')).toContainText('45 minutes');
  expect(await page.evaluate(() => window.__samePage)).toBe(true);

  // The cookie is set by the API; the next server render is English from the first byte.
  await expect.poll(async () => (await page.context().cookies()).find((c) => c.name === 'gridhall_lang')?.value).toBe('en');
  const html = await (await page.request.get('/')).text();
  expect(html).toContain('<html lang="en"');
  expect(html).toContain('Our service commitments');

  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Our service commitments');
  // The switch works once the page is hydrated (before that it is a plain form).
  await hydrated(page);
  await page.getByRole('button', { name: '简体中文' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('我们的服务承诺');
});

test('is usable with the keyboard: skip link first, then the main content', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: '跳到主要内容' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main#main')).toBeFocused();
});

test('fits a 360 px phone without sideways scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/');
  await expect(rows(page)).toHaveCount(30);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test('an unknown address shows the not-found page', async ({ page }) => {
  const response = await page.goto('/no-such-page');
  expect(response.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('页面不存在');
  await page.getByRole('link', { name: '返回首页' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('我们的服务承诺');
});
