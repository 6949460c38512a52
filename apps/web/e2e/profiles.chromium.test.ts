// Profiles, roles and preferences, end to end: the production build served by apps/server.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  goTo,
  openStudio,
  pageErrors,
  runSql,
  SOON,
  STORAGE_TIMEOUT,
  screenshot,
  useStudio,
  waitForStorage,
} from './support.ts';

const env = useStudio();

async function createProfile(
  page: Page,
  profile: { name: string; role: 'admin' | 'user' | 'viewer'; password?: string },
) {
  await goTo(page, 'Profiles');
  await page.getByRole('button', { name: '+ New profile' }).click();
  const dialog = page.getByRole('form', { name: 'New profile' });
  await dialog.locator('input[name="username"]').fill(profile.name);
  await dialog.locator('select[name="role"]').selectOption(profile.role);
  if (profile.password) {
    await dialog.locator('input[name="password"]').fill(profile.password);
    await dialog.locator('input[name="confirm"]').fill(profile.password);
  }
  await dialog.getByRole('button', { name: 'Create profile' }).click();
  await dialog.waitFor({ state: 'detached', timeout: 30_000 });
  await page.locator(`[data-testid="profile-row"][data-username="${profile.name}"]`).waitFor();
}

/** Switches from the header menu, typing the password when the profile asks for one. */
async function switchProfile(page: Page, name: string, password?: string) {
  await page.getByTestId('profile').click();
  await page.getByRole('menuitemradio', { name: new RegExp(`^\\s*${name}\\b`) }).click();
  if (password !== undefined) {
    const form = page.getByRole('form', { name: 'Profile password' });
    await form.locator('input[name="password"]').fill(password);
    await form.getByRole('button', { name: 'Switch' }).click();
  }
  await expect.poll(() => page.getByTestId('profile').textContent(), SOON).toContain(name);
}

const historyTexts = (page: Page) => page.getByTestId('history-item').allTextContents();

describe('profiles in Chromium', () => {
  it("keeps two profiles' history and saved queries apart, and asks a protected profile's password", {
    timeout: 400_000,
  }, async () => {
    const page = await env.studio.newPage();
    const errors = pageErrors(page);
    await openStudio(page, env.studio.url);
    expect(await page.getByTestId('profile').textContent()).toContain('admin');

    // The first-run admin's own work.
    await runSql(page, 'select 1 as admin_only');
    await expect
      .poll(() => historyTexts(page), SOON)
      .toEqual([expect.stringContaining('admin_only')]);
    await page.keyboard.press('Control+s');
    const save = page.getByTestId('save-dialog');
    await save.locator('input[name="name"]').fill('Admin report');
    await save.getByRole('button', { name: 'Save', exact: true }).click();
    await save.waitFor({ state: 'detached', timeout: 30_000 });

    await createProfile(page, { name: 'bob', role: 'user', password: 'correct horse' });
    const bobRow = page.locator('[data-testid="profile-row"][data-username="bob"]');
    expect(await bobRow.textContent()).toContain('yes'); // has a password
    await screenshot(page, 'profiles.png');

    // A wrong password changes nothing; the right one switches.
    await page.getByTestId('profile').click();
    await page.getByRole('menuitemradio', { name: /^\s*bob\b/ }).click();
    const form = page.getByRole('form', { name: 'Profile password' });
    await form.locator('input[name="password"]').fill('wrong');
    await form.getByRole('button', { name: 'Switch' }).click();
    await expect.poll(() => form.textContent(), SOON).toContain('Wrong password');
    expect(await page.getByTestId('profile').textContent()).toContain('admin');
    await form.locator('input[name="password"]').fill('correct horse');
    await form.getByRole('button', { name: 'Switch' }).click();
    await expect.poll(() => page.getByTestId('profile').textContent(), SOON).toContain('bob');

    // Bob sees none of the admin's data, and his own work stays his.
    await goTo(page, 'Workbench');
    await expect
      .poll(() => page.getByTestId('history-panel').textContent(), SOON)
      .toContain('No queries yet.');
    await runSql(page, 'select 2 as bob_only');
    await expect
      .poll(() => historyTexts(page), SOON)
      .toEqual([expect.stringContaining('bob_only')]);
    await page.getByRole('tab', { name: 'Saved' }).click();
    await expect
      .poll(() => page.locator('.sidebar').textContent(), SOON)
      .toContain('No saved queries yet');

    // Back to the admin (no password): only the admin's data, after a reload too.
    await switchProfile(page, 'admin');
    await page.getByRole('tab', { name: 'History' }).click();
    await expect
      .poll(() => historyTexts(page), SOON)
      .toEqual([expect.stringContaining('admin_only')]);
    await page.getByRole('tab', { name: 'Saved' }).click();
    await expect
      .poll(() => page.getByTestId('saved-item').allTextContents(), SOON)
      .toEqual([expect.stringContaining('Admin report')]);
    await page.reload();
    await waitForStorage(page);
    expect(await page.getByTestId('profile').textContent()).toContain('admin');
    await expect
      .poll(() => historyTexts(page), SOON)
      .toEqual([expect.stringContaining('admin_only')]);

    // A protected profile stays open on a reload of the tab it was unlocked in; a new tab asks.
    await switchProfile(page, 'bob', 'correct horse');
    await page.reload();
    await waitForStorage(page);
    expect(await page.getByTestId('profile').textContent()).toContain('bob');
    const second = await page.context().newPage();
    const secondErrors = pageErrors(second);
    await second.goto(env.studio.url);
    const lock = second.getByRole('form', { name: 'Unlock profile' });
    await lock.waitFor({ timeout: STORAGE_TIMEOUT });
    expect(await second.getByTestId('storage-chip').getAttribute('data-state')).toBe('loading');
    await lock.locator('input[name="password"]').fill('not it');
    await lock.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => lock.textContent(), SOON).toContain('Wrong password');
    await lock.locator('input[name="password"]').fill('correct horse');
    await lock.getByRole('button', { name: 'Continue' }).click();
    await waitForStorage(second);
    expect(await second.getByTestId('profile').textContent()).toContain('bob');
    await expect
      .poll(() => historyTexts(second), SOON)
      .toEqual([expect.stringContaining('bob_only')]);
    expect(errors).toEqual([]);
    expect(secondErrors).toEqual([]);
  });

  it('lets a viewer run read-only queries but not save them or manage profiles', {
    timeout: 400_000,
  }, async () => {
    const page = await env.studio.newPage();
    const errors = pageErrors(page);
    await openStudio(page, env.studio.url);
    await createProfile(page, { name: 'vera', role: 'viewer' });
    await switchProfile(page, 'vera');

    // No way to manage profiles.
    expect(await page.getByTestId('profiles-page').textContent()).toContain(
      'Only admins create, delete and change roles of profiles.',
    );
    expect(await page.getByRole('button', { name: '+ New profile' }).count()).toBe(0);

    await goTo(page, 'Workbench');
    const saveButton = page.getByRole('button', { name: 'Save', exact: true });
    expect(await saveButton.isDisabled()).toBe(true);
    expect(await saveButton.getAttribute('title')).toBe('Viewers cannot save queries');
    expect(await page.locator('.toolbar').textContent()).toContain('read-only (viewer)');
    // Ctrl+S does nothing for a viewer: no dialog.
    await page.locator('.cm-content').focus();
    await page.keyboard.press('Control+s');
    await page.waitForTimeout(500);
    expect(await page.getByTestId('save-dialog').count()).toBe(0);

    // Reads work; writes are refused by Postgres itself (a read-only transaction).
    await runSql(page, 'select count(*) from customers');
    await expect
      .poll(() => page.getByTestId('row-count').textContent(), { timeout: 60_000 })
      .toBe('SELECT · 1 row');
    await runSql(page, "insert into customers (name) values ('nope')");
    await expect
      .poll(() => page.getByTestId('query-error').textContent(), { timeout: 60_000 })
      .toContain('read-only transaction');
    expect(errors).toEqual([]);
  });

  it("keeps each profile's theme, editor font size and history retention", {
    timeout: 400_000,
  }, async () => {
    const page = await env.studio.newPage();
    const errors = pageErrors(page);
    await openStudio(page, env.studio.url);
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    const fontSize = () =>
      page.evaluate(
        () => getComputedStyle(document.querySelector('.cm-editor') as Element).fontSize,
      );

    await goTo(page, 'Settings');
    const settings = page.getByTestId('settings-page');
    await settings.getByLabel('Dark').check();
    await expect.poll(theme, SOON).toBe('dark');
    await settings.getByLabel('Light').check();
    await expect.poll(theme, SOON).toBe('light');
    await settings.getByLabel('Dark').check();
    await settings.getByLabel('Editor font size').fill('18');
    await settings.getByLabel('Editor font size').press('Enter');
    await expect.poll(fontSize, SOON).toBe('18px');
    await settings.getByLabel('Maximum history entries').fill('2');
    await settings.getByRole('button', { name: 'Save retention' }).click();
    await expect.poll(() => settings.textContent(), SOON).toContain('Saved.');
    await screenshot(page, 'settings.png');

    // Retention applies: three runs, two kept.
    await goTo(page, 'Workbench');
    for (const n of [1, 2, 3]) {
      await runSql(page, `select ${n} as run_${n}`);
      await expect
        .poll(() => page.getByTestId('history-item').first().textContent(), SOON)
        .toContain(`run_${n}`);
    }
    await expect
      .poll(() => historyTexts(page), SOON)
      .toEqual([expect.stringContaining('run_3'), expect.stringContaining('run_2')]);

    // Kept with the profile: after a reload, from the first paint (cached) and from storage.
    await page.reload();
    await page.locator('.cm-content').waitFor();
    expect(await theme()).toBe('dark');
    await waitForStorage(page);
    expect(await theme()).toBe('dark');
    expect(await fontSize()).toBe('18px');

    // Another profile has its own: the defaults.
    await createProfile(page, { name: 'lena', role: 'user' });
    await switchProfile(page, 'lena');
    await expect.poll(fontSize, SOON).toBe('13px');
    await goTo(page, 'Settings');
    expect(
      await page.getByTestId('settings-page').getByLabel('Follow the system').isChecked(),
    ).toBe(true);
    expect(errors).toEqual([]);
  });
});
