// Identity and access as people use them: a customer registers, confirms by email, logs in,
// links an account and logs out; a staff admin creates an agent; a customer cannot open a
// staff page; an enterprise admin issues an API token and invites a colleague, who joins.
import { test, expect, hydrated, demoLogins, waitForMail, linkIn, logIn } from './fixtures.mjs';

const PASSWORD = 'Lantern-orchard-47-tide';

test.describe('a new customer', () => {
  // After logging out, the accounts page answers 401 and asks to log in.
  test.use({ expectedErrors: { allow: [{ url: '/api/v1/me', status: 401 }, { url: '/account/accounts', status: 401 }] } });

test('registers, confirms by email, logs in, links an account and logs out', async ({ page, baseURL, browser }) => {
  const email = `wang.${Date.now()}@example.com`;
  await page.goto('/register');
  await hydrated(page);
  await page.getByLabel('邮箱').fill(email);
  await page.getByLabel('姓名或称呼').fill('王小明');
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '注册' }).click();
  await expect(page.getByRole('status')).toContainText('我们已向您的邮箱发送验证邮件');

  const mail = await waitForMail(email, '验证');
  expect(mail.text).toContain('王小明，您好');
  await page.goto(linkIn(mail.text, `${baseURL}/confirm`));
  await hydrated(page);
  await page.getByRole('button', { name: '验证我的邮箱' }).click();
  await expect(page.getByRole('status')).toHaveText('邮箱已验证，现在可以登录了。');

  await page.getByRole('link', { name: '前往登录' }).click();
  // A link inside the app: the login page's code loads, then renders in place.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('登录');
  await page.getByLabel('邮箱').fill(email);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/account\/accounts$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('我的户号');
  await expect(page.getByText('您还没有绑定户号。')).toBeVisible();

  // Link the demo account of 李娜 with her name and the amount of her newest bill (as she
  // would read it on paper; here a billing operator looks it up).
  const staff = await browser.newContext();
  const operator = await staff.newPage();
  const logins = demoLogins();
  await logIn(operator, 'wu.fang@staff.gridhall.example', logins['wu.fang@staff.gridhall.example']);
  const bills = await (await operator.request.get('/api/v1/accounts/3100012346/bills')).json();
  const newest = bills.find((b) => b.status === 'issued');
  await staff.close();
  await page.getByLabel('户号', { exact: true }).fill('3100012346');
  await page.getByLabel('户名', { exact: true }).fill('李娜');
  await page.getByLabel('最近一期电费金额（元）').fill(newest.total);
  await page.getByRole('button', { name: '绑定', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: '已绑定户号 3100012346。' })).toBeVisible();
  await expect(page.locator('tr[data-account="3100012346"]')).toContainText('上海市闵行区莘庄镇都市路 88 号');
  await expect(page.locator('tr[data-account="3100012346"]')).toContainText('预付费（费控）');

  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page).toHaveURL(`${baseURL}/`);
  await expect(page.getByRole('link', { name: '登录' })).toBeVisible();
  // The account page now asks to log in (the server answers it 401).
  const response = await page.goto('/account/accounts');
  expect(response.status()).toBe(401);
  await expect(page.locator('[data-access="login-required"]')).toContainText('请先登录');
});
});

test.describe('bad input', () => {
  test.use({ expectedErrors: { allow: [{ url: '/api/v1/me', status: 401 }, { url: '/api/v1/auth/register', status: 422 }, { url: '/api/v1/auth/login', status: 401 }] } });

  test('is explained next to the field, in Chinese, and nothing is lost', async ({ page }) => {
    await page.goto('/register');
    await hydrated(page);
    await page.getByLabel('邮箱').fill('not-an-address');
    await page.getByLabel('姓名或称呼').fill('李四');
    await page.getByLabel('密码').fill('short');
    await page.getByRole('button', { name: '注册' }).click();
    await expect(page.locator('#field-email-error')).toHaveText('请输入有效的邮箱地址，例如 name@example.com');
    await expect(page.locator('#field-password-error')).toHaveText('密码至少需要 10 个字符');
    await expect(page.getByLabel('邮箱')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('姓名或称呼')).toHaveValue('李四');

    // The server's own check: a common password.
    await page.getByLabel('邮箱').fill('li.si@example.com');
    await page.getByLabel('密码').fill('password1234');
    await page.getByRole('button', { name: '注册' }).click();
    await expect(page.locator('#field-password-error')).toContainText('过于常见');

    await page.goto('/login');
    await hydrated(page);
    await page.getByLabel('邮箱').fill('nobody@example.com');
    await page.getByLabel('密码').fill('wrong password');
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page.getByRole('alert')).toContainText('邮箱或密码不正确');
  });
});

test('a staff admin creates an agent, who gets an invitation by email', async ({ page }) => {
  const logins = demoLogins();
  await logIn(page, 'admin@staff.gridhall.example', logins['admin@staff.gridhall.example']);
  await page.getByRole('link', { name: '员工管理' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('员工管理');
  await expect(page.locator('tr[data-staff="zhao.min@staff.gridhall.example"]')).toContainText('客服坐席');

  const email = `agent.${Date.now()}@staff.gridhall.example`;
  const create = page.getByRole('region', { name: '新增员工' });
  await create.getByLabel('邮箱').fill(email);
  await create.getByLabel('姓名或称呼').fill('钱坤');
  await create.getByLabel('客服坐席').check();
  await create.getByLabel('浦东供电所').check();
  await create.getByRole('button', { name: '创建并发送邀请' }).click();
  await expect(page.getByRole('status').filter({ hasText: '已创建，邀请邮件已发送。' })).toBeVisible();
  const row = page.locator(`tr[data-staff="${email}"]`);
  await expect(row).toContainText('客服坐席');
  await expect(row).toContainText('PD01');
  await expect(row).toContainText('待接受邀请');

  const mail = await waitForMail(email, '邀请');
  expect(mail.text).toContain('钱坤，您好');

  // The creation is in the audit log.
  await page.getByRole('link', { name: '审计日志' }).click();
  await expect(page.locator('tr[data-action="staff.created"]').first()).toContainText('admin@staff.gridhall.example');
});

test.describe('a customer and staff pages', () => {
  test.use({ expectedErrors: { allow: [{ url: '/api/v1/me', status: 401 }, { url: '/staff/users', status: 403 }] } });

  test('a customer cannot open a staff page', async ({ page }) => {
    const logins = demoLogins();
    await logIn(page, 'zhang.wei@demo.gridhall.example', logins['zhang.wei@demo.gridhall.example']);
    await expect(page.getByRole('link', { name: '员工管理' })).toHaveCount(0);
    const response = await page.goto('/staff/users');
    expect(response.status()).toBe(403);
    await expect(page.locator('[data-access="forbidden"]')).toHaveText('您的账号无权访问此页面。');
    await expect(page.locator('tr[data-staff]')).toHaveCount(0);
  });
});

test('an enterprise admin sees the company and issues an API token shown once', async ({ page }) => {
  const logins = demoLogins();
  await logIn(page, 'chen.jing@demo.gridhall.example', logins['chen.jing@demo.gridhall.example']);
  await expect(page).toHaveURL(/\/enterprise$/);
  await expect(page.getByText('华东精密制造有限公司').first()).toBeVisible();
  await expect(page.locator('tr[data-member]')).toHaveCount(2);
  await page.getByLabel('用途').fill('ERP 夜间导入');
  await page.getByRole('button', { name: '生成令牌' }).click();
  const secret = page.locator('.token-secret');
  await expect(secret).toContainText('ghall_');
  const token = await secret.textContent();

  // The token works for the company's systems, read-only.
  const response = await page.request.get('/api/v1/me/accounts', { headers: { Authorization: `Bearer ${token}` } });
  expect(response.status()).toBe(200);
  // The three service points of the demo, and the shop the demo's energised application opened.
  const accounts = (await response.json()).accounts.map((a) => a.account_no);
  expect(accounts).toEqual(expect.arrayContaining(['3200000001', '3200000002', '3200000003']));
  expect(accounts).toHaveLength(4);

  // Shown once: after a reload only its prefix is listed.
  await page.reload();
  await hydrated(page);
  await expect(page.locator('.token-secret')).toHaveCount(0);
  await expect(page.locator('table.tokens')).toContainText('ERP 夜间导入');
  await expect(page.locator('table.tokens')).not.toContainText(token);
});

test('an enterprise admin invites a colleague, who joins by the emailed link; another invitation is withdrawn', async ({ page, browser }) => {
  const logins = demoLogins();
  await logIn(page, 'chen.jing@demo.gridhall.example', logins['chen.jing@demo.gridhall.example']);
  await expect(page).toHaveURL(/\/enterprise$/);
  const invite = async (email, name) => {
    await page.getByLabel('邮箱').fill(email);
    await page.getByLabel('姓名').fill(name);
    await page.getByRole('button', { name: '发送邀请' }).click();
    await expect(page.getByText('邀请已发送，对方接受前显示在“待接受的邀请”中。')).toBeVisible();
    await expect(page.locator(`tr[data-invitation="${email}"]`)).toBeVisible();
  };
  const started = Date.now();
  await invite('ma.li@huadong.example', '马丽');
  // An address that already has a login answers and lists alike.
  await invite('zhang.wei@demo.gridhall.example', '张伟');
  const withdrawn = page.locator('tr[data-invitation="zhang.wei@demo.gridhall.example"]');
  await withdrawn.getByRole('button', { name: '撤回' }).click();
  await expect(page.getByText('邀请已撤回，链接已失效。')).toBeVisible();
  await expect(withdrawn).toHaveCount(0);

  // 马丽 opens the link, chooses a password and is in the company as a viewer.
  const mail = await waitForMail('ma.li@huadong.example', '华东精密制造有限公司', { after: started });
  const context = await browser.newContext();
  const colleague = await context.newPage();
  await colleague.goto(linkIn(mail.text, 'http'));
  await hydrated(colleague);
  await colleague.getByLabel('新密码').fill('Lantern-orchard-47-tide');
  await colleague.getByRole('button', { name: '保存新密码' }).click();
  await expect(colleague.getByRole('status').filter({ hasText: '密码已设置' })).toBeVisible();
  await context.close();
  await page.reload();
  await hydrated(page);
  await expect(page.locator('tr[data-member="ma.li@huadong.example"]')).toBeVisible();
  // Accepted: no longer open (other tests' invitations may be).
  await expect(page.locator('tr[data-invitation="ma.li@huadong.example"]')).toHaveCount(0);
});
