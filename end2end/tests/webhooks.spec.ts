import http from 'node:http';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { test, expect, open, signIn, unique } from './fixtures';

type Hit = { headers: http.IncomingHttpHeaders; body: string };

/** A receiver on the loopback address that keeps what it is sent. */
async function receiver(): Promise<{ server: http.Server; port: number; got: Hit[] }> {
  const got: Hit[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(204);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, got };
}

test('an administrator subscribes a receiver; a new contact reaches it signed, and the log sends it again', async ({ page }) => {
  const { server, port, got } = await receiver();
  try {
    await signIn(page);
    await open(page, '/settings');
    await page.getByRole('link', { name: /Webhooks/ }).click();
    await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();

    // An address inside the house is refused until an administrator allows it.
    await page.getByText('New webhook').click();
    const url = `http://127.0.0.1:${port}/hook/${unique()}`;
    await page.getByLabel('Address (URL)').fill(url);
    await page.getByRole('checkbox', { name: 'contact.created' }).check();
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await expect(page.getByText('This address is inside your network')).toBeVisible();
    await page.getByRole('checkbox', { name: /Allow a private/ }).check();
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await expect(page.getByRole('heading', { name: 'Webhook added' })).toBeVisible();
    const secret = await page.getByLabel('Signing secret').inputValue();
    expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    await expect(page.getByRole('row', { name: new RegExp(url) })).toContainText('Active');

    // A contact made on its page reaches the receiver, signed with the secret.
    const name = `Hooked ${unique()}`;
    await open(page, '/contacts/new');
    await page.getByLabel('Full name').fill(name);
    await page.getByRole('button', { name: 'Create contact' }).click();
    await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
    const mine = () => got.filter((g) => JSON.parse(g.body).data?.full_name === name);
    await expect.poll(() => mine().length, { timeout: 15_000 }).toBe(1);
    const [hit] = mine();
    const body = JSON.parse(hit.body);
    expect(body.event).toBe('contact.created');
    expect(body.attempt).toBe(1);
    const signature = String(hit.headers['keel-signature']);
    const t = signature.split(',')[0].slice(2);
    const mac = crypto.createHmac('sha256', secret).update(`${t}.${hit.body}`).digest('hex');
    expect(signature).toBe(`t=${t},v1=${mac}`);

    // The log shows it delivered with the receiver's answer; "Send again" sends it as attempt 2.
    await open(page, '/settings/webhooks');
    await page.getByRole('button', { name: `Deliveries ${url}` }).click();
    const log = page.getByRole('region', { name: /Deliveries to/ });
    const line = log.getByRole('row', { name: /contact\.created/ }).first();
    await expect(line).toContainText('Delivered');
    await expect(line).toContainText('204');
    await line.getByRole('button', { name: /Send again/ }).click();
    await expect.poll(() => mine().length, { timeout: 15_000 }).toBe(2);
    expect(JSON.parse(mine()[1].body).attempt).toBe(2);

    // Paused, then deleted.
    await page.getByRole('button', { name: `Pause ${url}` }).click();
    await expect(page.getByRole('row', { name: new RegExp(url) })).toContainText('Paused');
    await page.getByRole('button', { name: `Delete ${url}` }).click();
    await expect(page.getByRole('row', { name: new RegExp(url) })).toHaveCount(0);
  } finally {
    server.close();
  }
});

test('webhooks are the administrators\': a sales rep is refused the page', async ({ page }) => {
  await signIn(page, 'sales@keel.demo');
  await open(page, '/settings/webhooks');
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByRole('button', { name: '添加 Webhook' })).toHaveCount(0);
});
