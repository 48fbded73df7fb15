import { test, expect, open, signIn, unique, section, board, stage, LEAD } from './fixtures';

test('a deleted contact waits in the trash and comes back with its history; a forgotten one is gone', async ({ page }) => {
  await signIn(page);
  const tag = unique();
  const [kept, forgotten] = [`Trash ${tag} A`, `Trash ${tag} B`];
  await open(page, '/contacts/import');
  await page.getByLabel('CSV file').setInputFiles({ name: 'trash.csv', mimeType: 'text/csv', buffer: Buffer.from(`Name\n${kept}\n${forgotten}\n`) });
  await page.getByRole('button', { name: 'Upload and preview' }).click();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText('2 created')).toBeVisible();

  // A note on the first, then it goes to the trash.
  await open(page, `/contacts?q=${tag}&sort=name`);
  const table = page.getByRole('table', { name: 'Contacts' });
  await table.getByRole('link', { name: kept }).click();
  const log = page.getByRole('region', { name: 'Log an interaction' });
  await log.getByLabel('Details').fill(`Met ${tag} at the fair`);
  await log.getByRole('button', { name: 'Log it' }).click();
  await expect(page.getByRole('list', { name: 'Timeline' }).getByText(`Met ${tag} at the fair`)).toBeVisible();
  await open(page, `/contacts?q=${tag}&sort=name`);
  await table.getByRole('checkbox', { name: `Select ${kept}` }).check();
  const bar = page.getByRole('region', { name: 'Bulk actions' });
  await bar.getByRole('button', { name: 'Delete…' }).click();
  await bar.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page.getByText('1 changed, 0 already so.')).toBeVisible();
  await open(page, `/contacts?q=${tag}`);
  await expect(page.getByText('1 result', { exact: true })).toBeVisible();

  // Settings → Trash: restore it.
  await open(page, '/settings');
  await page.getByRole('link', { name: 'Deleted records you can restore' }).click();
  await expect(page.getByRole('heading', { name: 'Trash', level: 1 })).toBeVisible();
  const row = page.getByRole('row', { name: new RegExp(kept) });
  await expect(row).toContainText('30 days');
  await row.getByRole('button', { name: `Restore ${kept}` }).click();
  await expect(page.getByRole('row', { name: new RegExp(kept) })).toHaveCount(0);
  await open(page, `/contacts?q=${tag}&sort=name`);
  await table.getByRole('link', { name: kept }).click();
  await expect(page.getByRole('list', { name: 'Timeline' }).getByText(`Met ${tag} at the fair`)).toBeVisible();

  // An administrator forgets the other for good.
  await open(page, `/contacts?q=${tag}&sort=name`);
  await table.getByRole('link', { name: forgotten }).click();
  await expect(page.getByRole('heading', { name: forgotten, level: 1 })).toBeVisible();
  await section(page, 'Details');
  await page.getByRole('button', { name: 'Forget this person' }).click();
  await expect(page.getByRole('alert')).toContainText(`Forget ${forgotten} for good?`);
  await page.getByRole('button', { name: 'Forget for good' }).click();
  await expect(page).toHaveURL(/\/contacts$/);
  await open(page, `/contacts?q=${tag}`);
  await expect(page.getByText('1 result', { exact: true })).toBeVisible();
  await open(page, '/trash');
  await expect(page.getByRole('row', { name: new RegExp(forgotten) })).toHaveCount(0);
});

test('a deal, a task and a ticket go to the trash from their pages and come back from it', async ({ page }) => {
  await signIn(page);
  const tag = unique();
  const [deal, task, ticket] = [`Bin deal ${tag}`, `Bin task ${tag}`, `Bin ticket ${tag}`];
  const trashRow = (name: string) => page.getByRole('row', { name: new RegExp(name) });
  const restore = async (name: string, kind: string) => {
    await open(page, '/trash');
    await expect(trashRow(name)).toContainText(kind);
    // A ticket is named with its number first.
    await trashRow(name).getByRole('button', { name: new RegExp(`^Restore (#\\d+ )?${name}$`) }).click();
    await expect(trashRow(name)).toHaveCount(0);
  };

  // A deal with a follow-up task, made on the board.
  await board(page, `?q=${tag}`);
  await page.getByText('New deal').click();
  await page.getByLabel('Title', { exact: true }).fill(deal);
  await page.getByLabel('Value', { exact: true }).fill('100');
  await page.getByRole('button', { name: 'Create deal' }).click();
  const card = stage(page, LEAD).getByRole('listitem', { name: deal, exact: true });
  await card.getByRole('button', { name: `Actions for ${deal}`, exact: true }).click();
  await card.getByRole('link', { name: 'Open deal' }).click();
  await expect(page.getByRole('heading', { name: deal, level: 1 })).toBeVisible();
  await section(page, 'Activity');
  const log = page.getByRole('region', { name: 'Log an interaction' });
  await log.getByLabel('Details').fill('Asked for a quote');
  await log.getByLabel('Follow-up task').fill(task);
  await log.getByRole('button', { name: 'Log it' }).click();
  await expect(page.getByRole('list', { name: 'Timeline' }).getByText(task)).toBeVisible();

  // Delete asks once; Cancel keeps it; Move to trash goes back to the board, without it.
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  const confirm = page.getByRole('alertdialog');
  await expect(confirm).toContainText(`Move “${deal}” to the trash? It can be restored from there for 30 days.`);
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('alertdialog')).toHaveCount(0);
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Move to trash' }).click();
  await expect(page).toHaveURL(/\/pipeline$/);
  await board(page, `?q=${tag}`);
  await expect(stage(page, LEAD).getByRole('listitem', { name: deal, exact: true })).toHaveCount(0);
  await restore(deal, 'Deal');
  await board(page, `?q=${tag}`);
  await expect(stage(page, LEAD).getByRole('listitem', { name: deal, exact: true })).toBeVisible();

  // The task, from My tasks.
  await open(page, '/activities');
  await page.getByRole('button', { name: `Delete task: ${task}` }).click();
  await expect(page.getByRole('checkbox', { name: task })).toHaveCount(0);
  await restore(task, 'Task');
  await open(page, '/activities');
  await expect(page.getByRole('checkbox', { name: task })).toBeVisible();

  // A ticket, from its page, back to the queue.
  await open(page, '/tickets/new');
  await page.getByLabel('Subject').fill(ticket);
  await page.getByRole('button', { name: 'Create ticket' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(new RegExp(ticket));
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Move to trash' }).click();
  await expect(page).toHaveURL(/\/tickets$/);
  await expect(page.getByRole('link', { name: new RegExp(ticket) })).toHaveCount(0);
  await restore(ticket, 'Ticket');
  await open(page, '/tickets');
  await expect(page.getByRole('link', { name: new RegExp(ticket) })).toBeVisible();
});
