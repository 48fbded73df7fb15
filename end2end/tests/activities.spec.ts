import { test, expect, open, signIn, newContact } from './fixtures';

test('a call with a follow-up task shows in the timeline and in My tasks', async ({ page }) => {
  await signIn(page);
  const name = `Caller ${Math.random().toString(36).slice(2, 8)}`;
  await newContact(page, name);

  const log = page.getByRole('region', { name: 'Log an interaction' });
  await log.getByRole('radio', { name: 'Call' }).check();
  await log.getByRole('button', { name: 'Log it' }).click();
  await expect(log.getByText('This field is required.')).toBeVisible();

  await log.getByLabel('Outcome').selectOption({ label: 'Connected' });
  await log.getByLabel('Duration (minutes)').fill('15');
  await log.getByLabel('Details').fill('Asked for a quote for 20 seats');
  await log.getByLabel('Follow-up task').fill(`Send quote to ${name}`);
  const due = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
  await log.getByLabel('Due').fill(due);
  await log.getByRole('button', { name: 'Log it' }).click();

  const timeline = page.getByRole('list', { name: 'Timeline' });
  await expect(timeline.getByText('Asked for a quote for 20 seats')).toBeVisible();
  await expect(timeline.getByText('Connected')).toBeVisible();
  await expect(timeline.getByRole('checkbox', { name: `Send quote to ${name}` })).not.toBeChecked();

  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Activities' }).click();
  const upcoming = page.getByRole('region', { name: 'Upcoming' });
  const task = upcoming.getByRole('checkbox', { name: `Send quote to ${name}` });
  await expect(task).toBeVisible();
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/set_task_done'));
  await task.check();
  await expect(task).toBeChecked();
  expect((await saved).ok()).toBe(true);
  // Done is saved: after a reload it stays ticked (tasks done today stay in view, struck through).
  await page.reload();
  await expect(page.getByRole('checkbox', { name: `Send quote to ${name}` })).toBeChecked();
});
