import { test, expect, open, signIn, unique, reload } from './fixtures';

test('a user makes an API token, the API answers it, and a revoked token is refused at once', async ({ page }) => {
  await signIn(page);
  await open(page, '/settings');
  await page.getByRole('link', { name: /API tokens/ }).click();
  await expect(page.getByRole('heading', { name: 'API tokens', level: 1 })).toBeVisible();

  // No grant at all is refused next to the grants.
  await page.getByText('New token').click();
  const name = `Website form ${unique()}`;
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByRole('group', { name: 'Access' }).getByText('This field is required.')).toBeVisible();

  await page.getByLabel('Contacts').selectOption({ label: 'Read' });
  await page.getByLabel('Expires after').selectOption({ label: '30 days' });
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByRole('heading', { name: 'Token created' })).toBeVisible();
  const secret = await page.getByLabel('Secret').inputValue();
  expect(secret).toMatch(/^keel_[0-9a-f]{64}$/);
  const row = page.getByRole('row', { name: new RegExp(name) });
  await expect(row).toContainText('Contacts: Read');
  await expect(row).toContainText(`…${secret.slice(-4)}`);

  // The API answers the token as the user, within its grant.
  const auth = { Authorization: `Bearer ${secret}` };
  const list = await page.request.get('/api/v1/contacts?limit=3', { headers: auth });
  expect(list.status()).toBe(200);
  expect((await list.json()).data.length).toBe(3);
  const write = await page.request.post('/api/v1/contacts', { headers: auth, data: { full_name: 'Not allowed' } });
  expect(write.status()).toBe(403);

  // Its last use shows once the list is read again; revoking stops it at once.
  await reload(page);
  await expect(page.getByRole('row', { name: new RegExp(name) })).not.toContainText('Never');
  await page.getByRole('button', { name: `Revoke ${name}` }).click();
  await expect(page.getByRole('row', { name: new RegExp(name) })).toContainText('Revoked');
  const after = await page.request.get('/api/v1/contacts', { headers: auth });
  expect(after.status()).toBe(401);
  expect(await after.json()).toEqual({ error: { kind: 'unauthorized' } });
});

test('the API\'s document reads at /api/docs with no sign-in and no internet', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto('/api/docs');
  await expect(page.getByRole('heading', { name: /Keel API/ })).toBeVisible();
  await expect(page.getByText('/api/v1/contacts/{id}').first()).toBeVisible();
  await expect(page.getByRole('button', { name: /Authorize/ })).toBeVisible();
  expect(errors).toEqual([]);
});
