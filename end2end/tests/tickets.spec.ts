import { test, expect, open, signIn, newContact, section } from './fixtures';

test('an agent opens a ticket for a contact, answers it, waits on the customer and sees it reopen', async ({ page }) => {
  await signIn(page);
  const name = `Ticket Customer ${Math.random().toString(36).slice(2, 8)}`;
  await newContact(page, name);

  await open(page, '/tickets');
  await expect(page.getByRole('heading', { name: 'Tickets', level: 1 })).toBeVisible();
  const queues = page.getByRole('navigation', { name: 'Queues' });
  await expect(queues.getByRole('link', { name: 'All open' })).toHaveAttribute('aria-current', 'page');
  await page.getByRole('link', { name: 'New ticket' }).click();

  // A bad form names the field it refuses: first the subject, then a customer nobody knows.
  await page.getByRole('button', { name: 'Create ticket' }).click();
  await expect(page.getByText('This field is required.')).toBeVisible();
  await page.getByLabel('Subject').fill('Printer offline');
  await page.getByLabel('Customer').fill('nobody-at-all@example.invalid');
  await page.getByRole('button', { name: 'Create ticket' }).click();
  await expect(page.getByText('No contact you can open has this name, email or phone.')).toBeVisible();

  await page.getByLabel('Customer').fill(name);
  await page.getByLabel('Priority').selectOption({ label: 'Urgent' });
  await page.getByLabel('Description').fill('The office printer stopped answering.');
  await page.getByRole('button', { name: 'Create ticket' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^#\d+ Printer offline$/);

  const facts = page.getByRole('region', { name: 'Details' });
  await expect(facts.getByRole('link', { name })).toBeVisible();
  // Beside it, the customer's side: their tickets and their deals.
  await expect(page.getByRole('region', { name: 'Tickets' }).getByRole('link', { name: /Printer offline/ })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Deals' }).getByText('No deals yet.')).toBeVisible();
  // The default policy: a first response is due; the clock shows how long is left or how late it is.
  await expect(facts.locator('dd', { hasText: /^(Due in|Overdue by) / }).first()).toBeVisible();

  const conversation = page.getByRole('region', { name: 'Conversation' });
  await expect(conversation.getByText('The office printer stopped answering.')).toBeVisible();
  await conversation.getByRole('radio', { name: 'Reply to the customer' }).check();
  await conversation.getByLabel('Message').fill('We are sending a technician.');
  await conversation.getByRole('button', { name: 'Add to the conversation' }).click();
  await expect(conversation.getByText('We are sending a technician.')).toBeVisible();
  // The first public reply stops the first-response clock.
  await expect(facts.getByText(/^Met /)).toBeVisible();

  const handling = page.getByRole('region', { name: 'Handling' });
  await expect(handling.getByLabel('Status')).toHaveValue('open');
  await handling.getByLabel('Status').selectOption({ label: 'Waiting on customer' });
  await handling.getByRole('button', { name: 'Save' }).click();
  await expect(facts.getByText('Paused while waiting')).toBeVisible();

  // The customer's answer, taken down by the agent, reopens the ticket and restarts the clock.
  await conversation.getByRole('radio', { name: "Customer's words" }).check();
  await conversation.getByLabel('Message').fill('It works again, thanks!');
  await conversation.getByRole('button', { name: 'Add to the conversation' }).click();
  await expect(conversation.getByText('It works again, thanks!')).toBeVisible();
  await expect(handling.getByLabel('Status')).toHaveValue('open');
  await expect(facts.getByText('Paused while waiting')).toHaveCount(0);

  // The ticket stands on the customer's page.
  await facts.getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await section(page, 'Related');
  const related = page.getByRole('region', { name: 'Tickets' });
  await expect(related.getByRole('link', { name: /Printer offline/ })).toBeVisible();
});

test('a stale handling is refused, not saved over the newer one', async ({ page, browser }) => {
  await signIn(page);
  await open(page, '/tickets?queue=unassigned');
  await page.getByRole('table', { name: 'Unassigned' }).locator('tbody tr a').first().click();
  const handling = page.getByRole('region', { name: 'Handling' });
  await expect(handling).toBeVisible();

  const other = await browser.newPage();
  await signIn(other);
  await open(other, page.url().replace(/^https?:\/\/[^/]+/, ''));
  await other.getByRole('region', { name: 'Handling' }).getByLabel('Priority').selectOption({ label: 'Low' });
  await other.getByRole('region', { name: 'Handling' }).getByRole('button', { name: 'Save' }).click();
  await expect(other.getByRole('region', { name: 'Details' }).getByText('Low', { exact: true })).toBeVisible();

  await handling.getByLabel('Priority').selectOption({ label: 'Urgent' });
  await handling.getByRole('button', { name: 'Save' }).click();
  await expect(handling.getByText('Someone else changed this meanwhile.', { exact: false })).toBeVisible();
  await other.close();
});

test('a sales rep reads their customer\'s ticket and adds a note, but cannot change it', async ({ page }) => {
  // Sarah Miller (sales, West) makes a contact of her own; an agent opens a ticket for it.
  await signIn(page, 'sales2@keel.demo');
  const name = `West Customer ${Math.random().toString(36).slice(2, 8)}`;
  await newContact(page, name);
  const contactUrl = page.url();
  await page.context().clearCookies();
  await signIn(page, 'admin@keel.demo');
  await open(page, '/tickets/new');
  await page.getByLabel('Subject').fill('Where is my order?');
  await page.getByLabel('Customer').fill(name);
  await page.getByRole('button', { name: 'Create ticket' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Where is my order\?/);

  await page.context().clearCookies();
  await signIn(page, 'sales2@keel.demo');
  await page.goto(contactUrl);
  await page.locator('body[data-hydrated]').waitFor();
  await section(page, 'Related');
  await page.getByRole('region', { name: 'Tickets' }).getByRole('link', { name: /Where is my order\?/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Where is my order\?/);
  await expect(page.getByRole('region', { name: 'Handling' })).toHaveCount(0);
  const conversation = page.getByRole('region', { name: 'Conversation' });
  await expect(conversation.getByRole('radio')).toHaveCount(1);
  await expect(conversation.getByRole('radio', { name: 'Internal note' })).toBeChecked();
  await conversation.getByLabel('Message').fill('Customer is a key account, please hurry.');
  await conversation.getByRole('button', { name: 'Add to the conversation' }).click();
  await expect(conversation.getByText('Customer is a key account, please hurry.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'New ticket' })).toHaveCount(0);
});

test('a team set to take turns gives a new ticket to its agent who is present', async ({ page, browser }) => {
  // The demo's support agent (team Service) signs in: present.
  const agent = await browser.newPage();
  await signIn(agent, 'support@keel.demo');
  await agent.close();

  await signIn(page);
  await open(page, '/settings/desk');
  await expect(page.getByRole('heading', { name: 'Service desk', level: 1 })).toBeVisible();
  const teams = page.getByRole('region', { name: 'Teams' });
  const service = teams.getByRole('listitem').filter({ hasText: 'Service' });
  await service.getByLabel('New tickets go').selectOption({ label: 'In turn to the agents present' });
  await service.getByRole('button', { name: 'Save' }).click();
  await expect(service.getByRole('status')).toHaveText('Saved.');

  await open(page, '/tickets/new');
  await page.getByLabel('Subject').fill('Turned over to the team');
  await page.getByLabel('Team').fill('Service');
  await page.getByRole('button', { name: 'Create ticket' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Turned over to the team/);
  await expect(page.getByRole('region', { name: 'Handling' }).getByLabel('Assignee')).toHaveValue(/[0-9a-f-]{36}/);
  await expect(page.getByRole('region', { name: 'Details' }).getByText('张敏 Zhang Min')).toBeVisible();
});

test('an SLA policy refuses hours that end before they start, and keeps what it had', async ({ page }) => {
  await signIn(page);
  await open(page, '/settings/desk');
  const standard = page.getByRole('region', { name: 'Standard' });
  await expect(standard.getByLabel('Monday opens')).toHaveValue('10:00');
  await standard.getByLabel('Monday opens').fill('19:00');
  await standard.getByLabel('Urgent First response').fill('0');
  await standard.getByRole('button', { name: 'Save policy' }).click();
  await expect(standard.getByText('Enter times such as 09:00 and 18:00', { exact: false })).toBeVisible();
  await expect(standard.getByText('Enter whole minutes from 1 to 525600', { exact: false })).toBeVisible();
  await open(page, '/settings/desk');
  await expect(page.getByRole('region', { name: 'Standard' }).getByLabel('Monday opens')).toHaveValue('10:00');
});
