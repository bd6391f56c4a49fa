// Connection applications as people use them: a resident applies with documents, a handler
// works the application to energised, the resident follows the timeline and signs the
// contract, and the new account appears among theirs. The queue filters; a customer cannot
// open it; the published figures are there for anyone.
import { test, expect, hydrated, demoLogins, logIn } from './fixtures.mjs';

const CUSTOMER = 'zhang.wei@demo.gridhall.example';
const HANDLER = 'zhou.jie@staff.gridhall.example';
const SUPERVISOR = 'sun.lei@staff.gridhall.example';

// A minimal PDF and PNG, as a phone's scan would arrive.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

function inDays(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

test.describe('a resident', () => {
  // Sending the draft before its documents are up is refused (422) on purpose.
  test.use({ expectedErrors: { allow: [{ url: '/api/v1/me', status: 401 }, { url: '/actions', status: 422 }] } });

test('a resident applies, a handler energises, the resident signs and gets an account', async ({ page, browser }) => {
  test.setTimeout(120_000);
  const logins = demoLogins();
  const address = `上海市嘉定区测试路 ${Date.now() % 100000} 号`;

  // The resident fills in the one form and saves a draft.
  await logIn(page, CUSTOMER, logins[CUSTOMER]);
  await page.goto('/applications');
  await hydrated(page);
  await page.getByRole('link', { name: '我要办电' }).click();
  await expect(page).toHaveURL(/\/applications\/new$/);
  await hydrated(page);
  await page.getByLabel('业务类型').selectOption('new_connection');
  await page.getByLabel('用电类别').selectOption('residential');
  await page.getByLabel('供电所').selectOption('JD03');
  await page.getByLabel('用电地址').fill(address);
  await page.getByLabel('用电用途').fill('住宅');
  await page.getByLabel('申请容量（千伏安）').fill('8');
  await page.getByLabel('供电电压').selectOption('220v');
  await page.getByLabel('期望送电日期').fill(inDays(14));
  await page.getByLabel('联系人').fill('张伟');
  await page.getByLabel('联系手机').fill('13800138000');
  await page.getByRole('button', { name: '保存草稿' }).click();
  await expect(page).toHaveURL(/\/applications\/\d+$/);
  const id = page.url().match(/applications\/(\d+)/)[1];
  const reference = `YK${id.padStart(8, '0')}`;
  await expect(page.getByRole('heading', { level: 1 })).toContainText(reference);

  // Sending without documents names what is missing; then the documents go up once.
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(page.getByText('缺少必需的资料：身份证明或营业执照')).toBeVisible();
  await page.getByLabel('资料类型').selectOption('id_or_licence');
  await page.getByLabel('选择文件').setInputFiles({ name: '身份证.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.getByRole('button', { name: '上传' }).click();
  await expect(page.locator('li[data-document="id_or_licence"]')).toContainText('身份证.pdf');
  await page.getByLabel('资料类型').selectOption('property_proof');
  await page.getByLabel('选择文件').setInputFiles({ name: '房产证.png', mimeType: 'image/png', buffer: PNG });
  await page.getByRole('button', { name: '上传' }).click();
  await expect(page.locator('li[data-document="property_proof"]')).toContainText('房产证.png');
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(page.locator('[data-status="submitted"]')).toHaveText('待受理');
  await expect(page.locator('tr[data-step="acceptance"]')).toHaveAttribute('data-state', 'open');
  await expect(page.locator('[data-todo="none"]')).toBeVisible();

  // The handler finds it in the queue, claims, accepts, surveys and issues the contract.
  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  await logIn(staff, HANDLER, logins[HANDLER]);
  await staff.goto('/staff/applications');
  await hydrated(staff);
  await staff.locator(`tr[data-reference="${reference}"]`).getByRole('link', { name: reference }).click();
  await expect(staff).toHaveURL(new RegExp(`/staff/applications/${id}$`));
  await hydrated(staff);
  await staff.getByRole('button', { name: '认领' }).click();
  await expect(staff.locator('dd[data-handler="周杰"]')).toBeVisible();
  await staff.locator('form[data-action="accept"]').getByRole('button', { name: '受理' }).click();
  await expect(staff.locator('[data-status="in_progress"]')).toBeVisible();
  const survey = staff.locator('form[data-action="complete_survey"]');
  await survey.getByLabel('勘查意见').fill('单相 8 kVA，表箱位于一楼');
  await survey.getByRole('button', { name: '完成现场勘查' }).click();
  await expect(staff.locator('tr[data-step="site_survey"]')).toHaveAttribute('data-state', 'done');
  const contract = staff.locator('form[data-action="issue_contract"]');
  await contract.getByLabel('正文').fill('供用电合同：供电方按约定供电，用电方按期交纳电费。');
  await contract.getByRole('button', { name: '出具供用电合同' }).click();
  await expect(staff.locator('tr[data-step="contract"]')).toHaveAttribute('data-state', 'with_customer');

  // The resident follows the timeline: the contract waits for them; they sign it.
  await page.reload();
  await hydrated(page);
  await expect(page.locator('tr[data-step="site_survey"]')).toContainText('周杰');
  const todo = page.locator('[data-todo="contract_acceptance"]');
  await expect(todo).toContainText('请阅读并签署供用电合同');
  await expect(todo).toContainText('供电方按约定供电');
  await todo.getByLabel('我已阅读并同意以上内容').check();
  await todo.getByRole('button', { name: '确认并签署' }).click();
  await expect(page.locator('[data-todo="none"]')).toBeVisible();
  await expect(page.locator('li[data-offer="contract-1"]')).toContainText('已确认：张伟');

  // The handler energises.
  await staff.reload();
  await hydrated(staff);
  const energise = staff.locator('form[data-action="energise"]');
  await energise.getByLabel('电能表号').fill(`E2E${Date.now() % 10_000_000}`);
  await energise.getByRole('button', { name: '装表送电' }).click();
  await expect(staff.locator('[data-status="completed"]')).toHaveText('已办结');
  await staffContext.close();

  // The resident sees the new account, here and among their accounts.
  await page.reload();
  await hydrated(page);
  const account = `39${id.padStart(8, '0')}`;
  await expect(page.locator(`[data-new-account="${account}"]`)).toBeVisible();
  await page.goto('/account/accounts');
  await hydrated(page);
  await expect(page.locator(`tr[data-account="${account}"]`)).toContainText(address);
  // And was told at every step.
  await page.goto('/notices');
  await hydrated(page);
  await expect(page.locator('.notice-list li').first()).toContainText(reference);
});
});

test.describe('the work queue', () => {
  test.use({ expectedErrors: { allow: [{ url: '/api/v1/me', status: 401 }, { url: '/staff/applications', status: 403 }] } });

  test('filters overdue work for a supervisor and refuses a customer', async ({ page }) => {
    const logins = demoLogins();
    await logIn(page, SUPERVISOR, logins[SUPERVISOR]);
    await page.goto('/staff/applications?timeliness=overdue');
    await hydrated(page);
    const rows = page.locator('table.applications tbody tr');
    await expect(rows.first()).toBeVisible();
    await page.goto('/staff/connections');
    await hydrated(page);
    await expect(page.getByRole('heading', { name: '超期清单' })).toBeVisible();
    await page.getByRole('button', { name: '退出登录' }).click();

    await logIn(page, CUSTOMER, logins[CUSTOMER]);
    const response = await page.goto('/staff/applications');
    expect(response.status()).toBe(403);
    await expect(page.locator('[data-access="forbidden"]')).toBeVisible();
    await expect(page.locator('table.applications')).toHaveCount(0);
  });
});

test('the published connection times are open to anyone', async ({ page }) => {
  await page.goto('/statistics/connections');
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('办电时限公示');
  const residential = page.locator('tr[data-class="residential"]');
  await expect(residential).toBeVisible();
  await expect(residential.locator('td').first()).not.toHaveText('0');
});

test('an administrator publishes a new limit and enters next year’s calendar', async ({ page }) => {
  const logins = demoLogins();
  const ADMIN = 'admin@staff.gridhall.example';
  await logIn(page, ADMIN, logins[ADMIN]);
  await page.goto('/staff/settings');
  await hydrated(page);
  await expect(page.locator('tr[data-code="connection.total.residential"]')).toContainText('5 个工作日');

  const limit = page.locator('form[data-form="limit"]');
  await limit.getByLabel('时限项目').selectOption('connection.step.contract');
  await limit.getByLabel('新时限（工作日）').fill('2');
  await limit.getByLabel('生效日期').fill(new Date(Date.now() + 86_400_000).toISOString().slice(0, 10));
  await limit.getByLabel('依据').fill('优化营商环境通知');
  await limit.getByRole('button', { name: '发布新版本' }).click();
  await expect(limit.getByRole('status')).toHaveText('已发布。');

  const year = page.locator('form[data-form="calendar"]');
  await year.getByLabel('年份').fill('2027');
  await year.getByLabel('法定节假日').fill('2027-01-01 2027-01-03\n2027-02-06 2027-02-12');
  await year.getByLabel('调休上班日').fill('2027-02-13');
  await year.getByRole('button', { name: '保存该年日历' }).click();
  await expect(year.getByRole('status')).toHaveText('已保存。');
  await expect(page.locator('li[data-year="2027"]')).toContainText('2027-02-06–2027-02-12');
});
