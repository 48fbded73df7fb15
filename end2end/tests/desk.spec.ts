import type { Page } from '@playwright/test';
import { test, expect, open, signIn, section } from './fixtures';

/** The demo's support agent works in Chinese; these tests read English. */
async function inEnglish(page: Page) {
  const english = page.getByRole('button', { name: 'English' });
  if (await english.count()) {
    await english.click();
    await expect(page.getByRole('button', { name: '中文' })).toBeVisible();
  }
}

test('a customer writes in through the web form, an agent in turn answers, and their rating shows on the contact', async ({ browser, keel }) => {
  // The demo's Service team takes web tickets in turn; its agent is signed in, on their queue,
  // with nothing unread.
  keel.sql(`UPDATE notifications SET read_at = now()`);
  const agent = await browser.newPage();
  await signIn(agent, 'support@keel.demo');
  await inEnglish(agent);
  await open(agent, '/tickets?queue=mine');
  const mine = agent.getByRole('main');
  const bell = agent.getByLabel(/^Notifications/);
  await expect(bell).toHaveAccessibleName('Notifications');

  // The customer: no account, no app code.
  const customer = await browser.newPage();
  const email = `web-${Math.random().toString(36).slice(2, 8)}@example.cn`;
  const subject = `Printer jams ${email.slice(4, 10)}`;
  await customer.goto('/support/Service');
  await expect(customer.getByRole('heading', { name: 'Contact support', level: 1 })).toBeVisible();
  await customer.getByLabel('Your name').fill('Web Customer');
  await customer.getByLabel('Your email').fill(email);
  await customer.getByLabel('Subject').fill(subject);
  await customer.getByLabel('What happened?').fill('It jams every morning.');
  await customer.getByRole('button', { name: 'Send' }).click();
  await expect(customer.getByRole('heading', { level: 1 })).toHaveText(new RegExp(`^#\\d+ ${subject}$`));
  await expect(customer.getByText('New', { exact: true })).toBeVisible();
  const follow = customer.url();

  // Round robin gave it to the agent: their bell and their queue show it without a reload.
  await expect(bell).toHaveAccessibleName(/^Notifications, unread \(\d+\)$/);
  await expect(mine.getByRole('link', { name: new RegExp(subject) })).toBeVisible();
  await bell.click();
  const inbox = agent.getByRole('list').filter({ hasText: 'Assigned to you' });
  await inbox.getByRole('link', { name: new RegExp(subject) }).click();
  await expect(agent.getByRole('heading', { level: 1 })).toHaveText(new RegExp(subject));
  await expect(bell).toHaveAccessibleName('Notifications');

  // The first public reply stops the first-response clock.
  const facts = agent.getByRole('region', { name: 'Details' });
  await expect(facts.locator('dd', { hasText: /^(Due in|Overdue by) / }).first()).toBeVisible();
  const conversation = agent.getByRole('region', { name: 'Conversation' });
  await conversation.getByRole('radio', { name: 'Reply to the customer' }).check();
  await conversation.getByLabel('Message').fill('We are sending a technician.');
  await conversation.getByRole('button', { name: 'Add to the conversation' }).click();
  await expect(facts.getByText(/^Met /)).toBeVisible();
  await conversation.getByRole('radio', { name: 'Internal note' }).check();
  await conversation.getByLabel('Message').fill('INTERNAL: second visit this month.');
  await conversation.getByRole('button', { name: 'Add to the conversation' }).click();
  await expect(conversation.getByText('INTERNAL: second visit this month.')).toBeVisible();

  // The customer sees the reply, never the note; they answer, and the agent resolves the ticket.
  await customer.goto(follow);
  await expect(customer.getByText('We are sending a technician.')).toBeVisible();
  await expect(customer.getByText('INTERNAL')).toHaveCount(0);
  const handling = agent.getByRole('region', { name: 'Handling' });
  await handling.getByLabel('Status').selectOption({ label: 'Resolved' });
  await handling.getByRole('button', { name: 'Save' }).click();
  await expect(facts.getByText('Resolved', { exact: true })).toBeVisible();

  // Resolved: the customer rates it, once.
  await customer.goto(follow);
  await customer.getByRole('link', { name: 'Rate our service' }).click();
  await expect(customer.getByRole('heading', { name: 'How did we do?' })).toBeVisible();
  await customer.getByRole('radio', { name: '5 out of 5' }).check();
  await customer.getByLabel('Anything to add? (optional)').fill('Quick and kind.');
  await customer.getByRole('button', { name: 'Send rating' }).click();
  await expect(customer.getByRole('heading', { name: 'Thank you!' })).toBeVisible();
  await customer.goto(follow);
  await expect(customer.getByRole('link', { name: 'Rate our service' })).toHaveCount(0);
  await expect(customer.getByRole('img', { name: '5 out of 5' })).toBeVisible();

  // The rating shows on the ticket and on the customer's page.
  await agent.reload();
  await expect(facts.getByRole('img', { name: '5 out of 5' })).toBeVisible();
  await expect(facts.getByText('Quick and kind.')).toBeVisible();
  await facts.getByRole('link', { name: 'Web Customer' }).click();
  await expect(agent.getByRole('heading', { name: 'Web Customer', level: 1 })).toBeVisible();
  await section(agent, 'Related');
  const tickets = agent.getByRole('region', { name: 'Tickets' });
  await expect(tickets.getByRole('img', { name: '5 out of 5' })).toBeVisible();
  await agent.close();
  await customer.close();
});

test('a breach on an agent\'s ticket reaches their bell live, and the notification leads to it', async ({ page, keel }) => {
  keel.sql(`UPDATE notifications SET read_at = now()`);
  await signIn(page, 'support@keel.demo');
  await inEnglish(page);
  await open(page, '/contacts');
  const bell = page.getByLabel(/^Notifications/);
  await expect(bell).toHaveAccessibleName('Notifications');
  const subject = `Overdue ${Math.random().toString(36).slice(2, 8)}`;
  // A ticket whose first response was due a minute ago (what only time would otherwise bring).
  keel.sql(`INSERT INTO tickets (subject, channel, priority, status, assignee_id, clock_since, first_response_due_at)
    SELECT '${subject}', 'phone', 'urgent', 'open', id, now() - interval '1 hour', now() - interval '1 minute'
      FROM users WHERE email = 'support@keel.demo'`);
  await expect(bell).toHaveAccessibleName(/^Notifications, unread \(\d+\)$/);
  await bell.click();
  const item = page.getByRole('link', { name: new RegExp(`SLA breached.*${subject}`) });
  await expect(item).toBeVisible();
  await item.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(new RegExp(subject));
  await expect(bell).toHaveAccessibleName('Notifications');
});

test('agents change several tickets of a queue at once', async ({ page }) => {
  await signIn(page);
  await open(page, '/tickets?queue=unassigned');
  const table = page.getByRole('table', { name: 'Unassigned' });
  const rows = table.locator('tbody tr');
  const before = await rows.count();
  expect(before).toBeGreaterThan(1);
  const names = [await rows.nth(0).getByRole('link').innerText(), await rows.nth(1).getByRole('link').innerText()];
  await table.getByRole('checkbox', { name: `Select ${names[0]}` }).check();
  await table.getByRole('checkbox', { name: `Select ${names[1]}` }).check();
  const bar = page.getByRole('form', { name: 'Bulk actions' });
  await expect(bar.getByText('2 selected')).toBeVisible();
  await bar.getByLabel('Assignee').selectOption({ label: '张敏 Zhang Min' });
  await bar.getByLabel('Priority').selectOption({ label: 'High' });
  await bar.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByRole('status').filter({ hasText: '2 tickets changed.' })).toBeVisible();
  // Given to someone, they leave the Unassigned queue.
  for (const name of names) await expect(table.getByRole('link', { name })).toHaveCount(0);
  await open(page, '/tickets?queue=open');
  await page.getByRole('link', { name: names[0] }).click();
  await expect(page.getByRole('region', { name: 'Details' }).getByText('High')).toBeVisible();
});
